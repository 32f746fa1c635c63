-- Zones per camera (normalised polygons). Seeded from the config; once edited through the API a camera's
-- zone set is owned by the API (zone_sets.source = 'api') and later config changes no longer replace it.
CREATE TABLE zone_sets (
  camera_id TEXT PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('config', 'api')),
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);

CREATE TABLE zones (
  camera_id TEXT NOT NULL REFERENCES zone_sets(camera_id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('work_area', 'danger_zone', 'confined_entrance', 'guardian_post')),
  points TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (camera_id, id)
);

-- Violations raised by the rules. state: the condition is still seen (active) or no longer (ended);
-- review: what a safety officer decided.
CREATE TABLE violations (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  track_id INTEGER,
  zone_id TEXT,
  state TEXT NOT NULL CHECK (state IN ('active', 'ended')),
  review TEXT NOT NULL DEFAULT 'pending' CHECK (review IN ('pending', 'confirmed', 'dismissed')),
  started_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  ended_at TEXT,
  box TEXT,
  detail TEXT NOT NULL DEFAULT '{}',
  reviewed_by TEXT,
  reviewed_at TEXT,
  review_note TEXT
);
CREATE INDEX violations_enterprise_time ON violations(enterprise_id, started_at);
CREATE INDEX violations_camera_time ON violations(camera_id, started_at);
CREATE INDEX violations_active ON violations(state) WHERE state = 'active';

-- Evidence files under <dataDir>/evidence. A row exists only once its file is complete (written to a
-- temp name, fsynced, renamed). Retention never deletes rows attached to a violation or a permit.
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  violation_id INTEGER REFERENCES violations(id),
  permit_id TEXT,
  enterprise_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'clip')),
  path TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  mime TEXT NOT NULL,
  covers_from TEXT,
  covers_to TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX evidence_violation ON evidence(violation_id);
CREATE INDEX evidence_unattached ON evidence(created_at) WHERE violation_id IS NULL AND permit_id IS NULL;
