-- Site learning (#28, src/vision/adapt): the picture around each no-hard-hat detection's head, cut from the
-- detection's own frame before anything was drawn on it, kept until an officer reviews the violation.
-- 确认违章 labels it a bare head (the detector was right), 误报驳回 not a bare head (it was wrong);
-- `jianhu adapt` learns from the labelled ones. Pending crops of violations nobody reviews are pruned.
CREATE TABLE site_crops (
  id INTEGER PRIMARY KEY,
  violation_id INTEGER NOT NULL UNIQUE,
  enterprise_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  camera_id TEXT NOT NULL,
  model TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT 'pending' CHECK (label IN ('pending', 'bare_head', 'not_bare_head')),
  jpeg BLOB NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  -- the detected head's box in the crop's pixels (JSON [x1,y1,x2,y2]) and its score
  head_box TEXT NOT NULL,
  score REAL NOT NULL,
  -- model pixels per pixel of the frame the crop was cut from (the head keeps its detected size)
  model_scale REAL NOT NULL,
  created_at TEXT NOT NULL,
  labelled_at TEXT
);
CREATE INDEX site_crops_label ON site_crops (model, label, id);
