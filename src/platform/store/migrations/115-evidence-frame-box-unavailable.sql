-- A snapshot's violation box in the pixels of the frame it shows (JSON [x1,y1,x2,y2]); NULL for clips
-- and older rows. Screens outline this box, not the violation's latest one (which moves on).
ALTER TABLE evidence ADD COLUMN frame_box TEXT;

-- Evidence that could not be made (issue #27): a violation whose snapshot would have been a black
-- frame (or whose frame was no longer kept) records why, instead of attaching a picture that proves
-- nothing. One row per violation and kind; published as a chained `evidence.unavailable`.
CREATE TABLE evidence_unavailable (
  id INTEGER PRIMARY KEY,
  violation_id INTEGER NOT NULL REFERENCES violations(id),
  enterprise_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('snapshot')),
  reason TEXT NOT NULL CHECK (reason IN ('no_usable_frame', 'frame_not_kept')),
  -- the detection the snapshot was for, and how many frames around it were judged
  detected_at TEXT NOT NULL,
  frames_looked INTEGER NOT NULL,
  -- mean luma (0-255) of the detection's own frame, when it was kept
  mean_luma REAL,
  created_at TEXT NOT NULL,
  UNIQUE (violation_id, kind)
);
