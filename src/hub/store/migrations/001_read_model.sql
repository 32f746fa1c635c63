-- The county hub's read model (issue #24). Every box's chain entries land in hub_events exactly once
-- (primary key box_id, seq); the other tables are projections rebuilt from them in the same
-- transaction, so a message is acknowledged to JetStream only after all of it is committed.

CREATE TABLE hub_events (
  box_id        text        NOT NULL,
  seq           bigint      NOT NULL,
  outbox_id     bigint      NOT NULL,
  type          text        NOT NULL,
  enterprise_id text,
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  payload       jsonb       NOT NULL,
  payload_sha256 char(64)   NOT NULL,
  prev_hash     char(64)    NOT NULL,
  hash          char(64)    NOT NULL,
  PRIMARY KEY (box_id, seq)
);
CREATE INDEX hub_events_enterprise_time ON hub_events (enterprise_id, occurred_at);

-- the last entry each box's chain has reached at the hub
CREATE TABLE hub_box_heads (
  box_id     text        PRIMARY KEY,
  seq        bigint      NOT NULL,
  hash       char(64)    NOT NULL,
  updated_at timestamptz NOT NULL
);

-- entries that arrived after a hole in their box's chain: kept (acknowledged) but not applied until
-- the hole is filled, so the head never advances past a gap
CREATE TABLE hub_held (
  box_id     text        NOT NULL,
  seq        bigint      NOT NULL,
  subject    text        NOT NULL,
  body       text        NOT NULL,
  held_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (box_id, seq)
);

-- gap, fork and refused messages; one row per (box, kind, seq), counted when it comes again
CREATE TABLE hub_alarms (
  id          bigserial   PRIMARY KEY,
  box_id      text        NOT NULL,
  kind        text        NOT NULL CHECK (kind IN ('gap', 'fork', 'refused')),
  code        text        NOT NULL,
  seq         bigint      NOT NULL,
  enterprise_id text,
  subject     text,
  detail      text        NOT NULL,
  times       integer     NOT NULL DEFAULT 1,
  raised_at   timestamptz NOT NULL DEFAULT now(),
  last_at     timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  UNIQUE (box_id, kind, code, seq)
);

CREATE TABLE hub_permits (
  box_id        text        NOT NULL,
  permit_id     text        NOT NULL,
  enterprise_id text,
  number        text        NOT NULL,
  kind          text        NOT NULL,
  state         text        NOT NULL,
  camera_ids    jsonb       NOT NULL,
  first_started_at timestamptz,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (box_id, permit_id)
);
CREATE INDEX hub_permits_state ON hub_permits (state);

-- a permit's actual work windows: opened by started/resumed, closed by suspended/completed/...
CREATE TABLE hub_permit_work (
  box_id    text        NOT NULL,
  permit_id text        NOT NULL,
  start_at  timestamptz NOT NULL,
  end_at    timestamptz,
  PRIMARY KEY (box_id, permit_id, start_at)
);

-- every camera health change (the coverage timeline) and the state now
CREATE TABLE hub_camera_health (
  box_id    text        NOT NULL,
  camera_id text        NOT NULL,
  at        timestamptz NOT NULL,
  state     text        NOT NULL,
  reason    text        NOT NULL,
  message   text        NOT NULL,
  seq       bigint      NOT NULL,
  PRIMARY KEY (box_id, seq)
);
CREATE INDEX hub_camera_health_camera ON hub_camera_health (box_id, camera_id, at);

CREATE TABLE hub_cameras (
  box_id        text        NOT NULL,
  camera_id     text        NOT NULL,
  site_id       text        NOT NULL,
  enterprise_id text,
  state         text        NOT NULL,
  since         timestamptz NOT NULL,
  PRIMARY KEY (box_id, camera_id)
);

CREATE TABLE hub_violations (
  box_id        text        NOT NULL,
  violation_id  bigint      NOT NULL,
  enterprise_id text,
  camera_id     text        NOT NULL,
  type          text        NOT NULL,
  type_zh       text        NOT NULL,
  severity      text        NOT NULL,
  state         text        NOT NULL,
  review        text        NOT NULL,
  started_at    timestamptz NOT NULL,
  ended_at      timestamptz,
  evidence_sha256 char(64),
  PRIMARY KEY (box_id, violation_id)
);
CREATE INDEX hub_violations_enterprise ON hub_violations (enterprise_id, started_at);

CREATE TABLE hub_hazards (
  box_id        text        NOT NULL,
  hazard_id     bigint      NOT NULL,
  enterprise_id text,
  state         text        NOT NULL,
  level         text,
  deadline      timestamptz,
  description   text        NOT NULL DEFAULT '',
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (box_id, hazard_id)
);

CREATE TABLE hub_sessions (
  token_hash char(64)    PRIMARY KEY,
  username   text        NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
