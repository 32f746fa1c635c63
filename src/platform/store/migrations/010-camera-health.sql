-- Camera health history (owned by src/ingest). One row per state a camera was in, from since_ms until
-- until_ms (NULL while it is the current state). Regulators audit these rows: a permit's work window
-- counts as monitored only where an `online` row covers it. checked_ms is the last time the running
-- service confirmed the open row; after a crash the row is closed there, so the time the service was
-- down is never counted as monitored.
CREATE TABLE camera_health_log (
  id INTEGER PRIMARY KEY,
  camera_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  enterprise_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('online', 'offline', 'stalled', 'frozen', 'dark', 'obstructed', 'recovering')),
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  since_ms INTEGER NOT NULL,
  until_ms INTEGER,
  checked_ms INTEGER NOT NULL,
  CHECK (until_ms IS NULL OR until_ms >= since_ms)
);
CREATE INDEX camera_health_log_camera ON camera_health_log(camera_id, since_ms);
CREATE UNIQUE INDEX camera_health_log_open ON camera_health_log(camera_id) WHERE until_ms IS NULL;
