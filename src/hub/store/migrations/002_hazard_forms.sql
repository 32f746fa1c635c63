-- The annex forms across the region (issue #24): what the form builders read of a hazard, projected
-- from hazard.registered (its `form` fields), hazard.assessed / dispatched (level, five in place) and
-- each step's time (the weekly table counts 复核通过 in its range). Rows from boxes of versions that
-- did not ship `form` keep these columns null; the forms print those cells empty.
ALTER TABLE hub_hazards
  ADD COLUMN source            text,
  ADD COLUMN violation_id      text,
  ADD COLUMN stage             text,
  ADD COLUMN site_id           text,
  ADD COLUMN checker           text,
  ADD COLUMN supervising_unit  text,
  ADD COLUMN location          text,
  ADD COLUMN basis             text,
  ADD COLUMN hazard_type       text,
  ADD COLUMN penalty_yuan      numeric NOT NULL DEFAULT 0,
  ADD COLUMN penalty_note      text,
  ADD COLUMN found_at          timestamptz,
  ADD COLUMN five              jsonb,
  -- on-site photos registered with it ('before'): the files stay on the box
  ADD COLUMN before_photos     integer NOT NULL DEFAULT 0,
  -- the first one's sha256 as the box's chain committed to it: a photo fetched later must match
  ADD COLUMN photo_sha256      char(64),
  ADD COLUMN rectified_at      timestamptz,
  ADD COLUMN verified_at       timestamptz,
  ADD COLUMN closed_at         timestamptz;
CREATE INDEX hub_hazards_found ON hub_hazards (enterprise_id, found_at);

-- every step of every hazard, once (the box's seq makes a redelivery a no-op)
CREATE TABLE hub_hazard_steps (
  box_id    text        NOT NULL,
  seq       bigint      NOT NULL,
  hazard_id bigint      NOT NULL,
  to_state  text        NOT NULL,
  at        timestamptz NOT NULL,
  PRIMARY KEY (box_id, seq)
);
CREATE INDEX hub_hazard_steps_hazard ON hub_hazard_steps (box_id, hazard_id);

-- 执法检查 records (inspection.recorded / updated / deleted) and the hazards they found
-- (inspection.findingAdded): the forms' 挂牌督办 and 行政处罚 come from them, as on the box
CREATE TABLE hub_inspections (
  box_id           text        NOT NULL,
  inspection_id    bigint      NOT NULL,
  enterprise_id    text,
  inspected_at     timestamptz NOT NULL,
  stage            text        NOT NULL,
  penalty_yuan     numeric     NOT NULL DEFAULT 0,
  penalty_text     text,
  supervised       boolean     NOT NULL DEFAULT false,
  supervising_unit text,
  PRIMARY KEY (box_id, inspection_id)
);
CREATE TABLE hub_inspection_findings (
  box_id        text   NOT NULL,
  inspection_id bigint NOT NULL,
  hazard_id     bigint NOT NULL,
  PRIMARY KEY (box_id, hazard_id)
);
