-- Closed loop for 隐患 (issue 9): register → assess → dispatch → rectify → verify → close.
CREATE TABLE hazards (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  site_id TEXT,
  source TEXT NOT NULL,              -- violation | inspection
  violation_id TEXT,                 -- when raised from a violation
  stage TEXT NOT NULL,               -- self_check (企业自查) | county_check (县级检查) | cross_check (交叉检查)
  checker TEXT NOT NULL,             -- who found it (person or team)
  supervising_unit TEXT,             -- 督办单位 for the major-hazard ledger
  description TEXT NOT NULL,
  location TEXT,
  basis TEXT,                        -- legal / standard basis (检查依据)
  hazard_type TEXT NOT NULL,         -- e.g. 动火作业, 有限空间, 设备设施, 现场管理
  level TEXT,                        -- null until assessed; general | major
  state TEXT NOT NULL,
  responsible_user_id INTEGER REFERENCES users(id),
  deadline TEXT,
  five_json TEXT,                    -- 五到位: measures, responsiblePerson, funds, deadline, contingencyPlan
  penalty_yuan REAL NOT NULL DEFAULT 0,
  penalty_note TEXT,
  found_at TEXT NOT NULL,
  registered_by INTEGER NOT NULL REFERENCES users(id),
  rectified_by INTEGER REFERENCES users(id),
  rectified_at TEXT,
  verified_by INTEGER REFERENCES users(id),
  verified_at TEXT,
  closed_at TEXT,
  overdue_level INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX hazards_enterprise ON hazards(enterprise_id, found_at);
CREATE INDEX hazards_open_deadline ON hazards(deadline) WHERE state = 'dispatched';

-- Every transition: who, when, why.
CREATE TABLE hazard_transitions (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  actor_user_id INTEGER REFERENCES users(id),
  actor_name TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  at TEXT NOT NULL,
  reason TEXT NOT NULL,
  data_json TEXT
);
CREATE INDEX hazard_transitions_hazard ON hazard_transitions(hazard_id, id);

-- Before (on-site evidence) and after (rectification) photos, stored under dataDir with their sha256.
CREATE TABLE hazard_photos (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards(id),
  kind TEXT NOT NULL,                -- before | after
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  mime TEXT NOT NULL,
  added_by INTEGER REFERENCES users(id),
  at TEXT NOT NULL
);
CREATE INDEX hazard_photos_hazard ON hazard_photos(hazard_id);
