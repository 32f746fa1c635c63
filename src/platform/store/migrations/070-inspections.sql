-- 执法检查 (issue 22): a regulator's inspection of an enterprise — who inspected, when, at which 检查环节,
-- for which unit, the 行政处罚 and 挂牌督办. Its findings are hazards (source 'inspection') linked below.
CREATE TABLE inspections (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  inspectors_json TEXT NOT NULL,     -- JSON array of the inspectors' names
  inspected_at TEXT NOT NULL,
  stage TEXT NOT NULL,               -- county_check (市县检查) | cross_check (交叉检查) | province_check (省级督查)
  checking_unit TEXT NOT NULL,       -- 检查单位
  penalty_text TEXT,                 -- 行政处罚 as decided, null when none
  penalty_yuan INTEGER NOT NULL DEFAULT 0,  -- the fine in whole yuan (shown as 万元): exact, no float drift
  supervised INTEGER NOT NULL DEFAULT 0,    -- 挂牌督办 yes/no
  supervising_unit TEXT,             -- 挂牌督办单位 when supervised
  note TEXT,
  created_by INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX inspections_enterprise ON inspections(enterprise_id, inspected_at);

-- A finding is a hazard registered in the enterprise's closed loop; one hazard belongs to one inspection.
CREATE TABLE inspection_findings (
  inspection_id INTEGER NOT NULL REFERENCES inspections(id),
  hazard_id INTEGER NOT NULL UNIQUE REFERENCES hazards(id),
  PRIMARY KEY (inspection_id, hazard_id)
);
