-- 作业票 work permits (owned by src/permits). The permit document is stored whole as JSON (the pure
-- domain decides on it); the columns beside it exist for lookups and lists. Permits are kept ≥ 1 year.
CREATE TABLE permits (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  doc TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX permits_enterprise_state ON permits(enterprise_id, state);

-- What a permit binds (camera / machine / lock): the gate and the scan look permits up by these.
CREATE TABLE permit_bindings (
  permit_id TEXT NOT NULL REFERENCES permits(id),
  kind TEXT NOT NULL CHECK (kind IN ('camera', 'machine', 'lock')),
  ref TEXT NOT NULL,
  PRIMARY KEY (permit_id, kind, ref)
);
CREATE INDEX permit_bindings_ref ON permit_bindings(kind, ref);

-- Every transition with who and when (the timed signatures and the audit trail of the permit).
CREATE TABLE permit_history (
  id INTEGER PRIMARY KEY,
  permit_id TEXT NOT NULL REFERENCES permits(id),
  action TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  user_id INTEGER,
  reason TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX permit_history_permit ON permit_history(permit_id);

CREATE TABLE gas_tests (
  id INTEGER PRIMARY KEY,
  permit_id TEXT NOT NULL REFERENCES permits(id),
  taken_at INTEGER NOT NULL,
  analyst TEXT NOT NULL,
  o2_pct REAL,
  combustible_pct REAL NOT NULL,
  h2s_ppm REAL,
  co_ppm REAL,
  passed INTEGER NOT NULL,
  failures TEXT NOT NULL,
  recorded_by INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX gas_tests_permit ON gas_tests(permit_id, taken_at);

-- Periods of a permit's work window without live monitoring (the regulator's audit reads these).
CREATE TABLE monitoring_gaps (
  id INTEGER PRIMARY KEY,
  permit_id TEXT NOT NULL REFERENCES permits(id),
  camera_id TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX monitoring_gaps_permit ON monitoring_gaps(permit_id);

-- Approval authority of approvers (主管领导 leader / 安全管理部门 safety_dept / 作业单位 unit).
CREATE TABLE approval_authorities (
  user_id INTEGER PRIMARY KEY REFERENCES users(id),
  authority TEXT NOT NULL CHECK (authority IN ('unit', 'safety_dept', 'leader')),
  granted_by INTEGER NOT NULL,
  granted_at INTEGER NOT NULL
);

-- Guardian check-in / check-out on a permit (fallback for presence until the rules module sees the post).
CREATE TABLE guardian_presence (
  id INTEGER PRIMARY KEY,
  permit_id TEXT NOT NULL REFERENCES permits(id),
  user_id INTEGER NOT NULL,
  checked_in_at INTEGER NOT NULL,
  checked_out_at INTEGER
);
CREATE INDEX guardian_presence_permit ON guardian_presence(permit_id);
