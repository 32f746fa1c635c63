-- Cameras managed at run time (issue #27). The config's sites[].cameras seed this table at every
-- start (source 'config'); a camera an enterprise admin adds, edits or removes through the API is
-- source 'api' and from then on the table rules it, the config no more (the same rule as zone_sets).
-- A removed camera keeps its row (removed_at) so that a config camera the admin removed is not seeded
-- back at the next start, and so that its id still names it in the health log and the audit.
CREATE TABLE cameras (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- may carry the camera's credentials: read by ingest, the relay, the probe and the evidence ring,
  -- never served back by an API (redacted, src/platform/shared/redact-url.ts)
  url TEXT NOT NULL,
  record_url TEXT,
  -- NULL: ingest.rtspTransport
  rtsp_transport TEXT CHECK (rtsp_transport IN ('tcp', 'udp', 'auto')),
  enabled INTEGER NOT NULL DEFAULT 1,
  source TEXT NOT NULL CHECK (source IN ('config', 'api')),
  removed_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);
CREATE INDEX cameras_enterprise ON cameras (enterprise_id);
