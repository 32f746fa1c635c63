-- 一企一档 (issue #22): regions nest (市 → 县 → 镇), each enterprise's record, and the regulators'
-- A/B/C/D grade overrides with their history.

-- A region's parent (a 县's 市, a 镇's 县); NULL at the top. Mirrored from config.regions[].parent.
ALTER TABLE regions ADD COLUMN parent_id TEXT;

-- The enterprise's own record, edited by its enterprise_admin. Registers are JSON arrays of objects
-- (confined spaces, gas areas, contacts, main hazards): they are read and written whole, with the record.
CREATE TABLE enterprise_records (
  enterprise_id TEXT PRIMARY KEY REFERENCES enterprises(id),
  credit_code TEXT,
  address TEXT,
  industry_class TEXT,
  scale TEXT,
  above_designated_size INTEGER,
  main_hazards TEXT NOT NULL DEFAULT '[]',
  confined_spaces TEXT NOT NULL DEFAULT '[]',
  gas_areas TEXT NOT NULL DEFAULT '[]',
  contacts TEXT NOT NULL DEFAULT '[]',
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);

-- Every grade a regulator set (grade NULL: the override was withdrawn, the computed grade applies again).
-- Rows are never updated or deleted: the latest row per enterprise is the current one.
CREATE TABLE enterprise_grade_overrides (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  computed_grade TEXT NOT NULL,
  grade TEXT,
  reason TEXT NOT NULL,
  by_user_id INTEGER NOT NULL,
  by_name TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX enterprise_grade_overrides_enterprise ON enterprise_grade_overrides (enterprise_id, id);
