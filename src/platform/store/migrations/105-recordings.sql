-- Recording by permit (#27, src/video/recording): stream-copied MP4 segments per camera and the gaps
-- between them. A deleted segment keeps its row (deleted_at, reason) so the timeline still shows it.
CREATE TABLE recording_segments (
  id INTEGER PRIMARY KEY,
  camera_id TEXT NOT NULL,
  enterprise_id TEXT,
  path TEXT NOT NULL UNIQUE,
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  codec TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  -- decode time of the first fragment, seconds: the player offsets the segment by it
  media_start REAL NOT NULL,
  deleted_at INTEGER,
  delete_reason TEXT
);
CREATE INDEX recording_segments_camera_time ON recording_segments(camera_id, started_at);
CREATE INDEX recording_segments_live ON recording_segments(ended_at) WHERE deleted_at IS NULL;

CREATE TABLE recording_gaps (
  id INTEGER PRIMARY KEY,
  camera_id TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL,
  cause TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX recording_gaps_camera_time ON recording_gaps(camera_id, from_at);

-- An open audit question on a camera's time window (a regulator or officer holds the recording):
-- retention keeps every segment it overlaps until the hold is closed.
CREATE TABLE recording_holds (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  opened_by TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  closed_at INTEGER
);
CREATE INDEX recording_holds_camera ON recording_holds(camera_id) WHERE closed_at IS NULL;
