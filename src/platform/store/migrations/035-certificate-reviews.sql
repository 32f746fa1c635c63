-- 特种作业操作证 复审 (《特种作业人员安全技术培训考核管理规定》 §21–§22: reviewed every 3 years, at most 6
-- with the issuing authority's consent). review_due_at is the exclusive end of the last day the holder may
-- work without a review; rows created before this migration get issue + 3 years (the regulation's default).
ALTER TABLE certificates ADD COLUMN review_due_at INTEGER;
UPDATE certificates SET review_due_at = issued_at + 3 * 365 * 86400000 + 86400000 WHERE review_due_at IS NULL;

-- Each passed review, as recorded: when it was passed, who recorded it, and the due date it moved to.
CREATE TABLE certificate_reviews (
  id INTEGER PRIMARY KEY,
  certificate_id INTEGER NOT NULL REFERENCES certificates(id),
  reviewed_at INTEGER NOT NULL,
  previous_due_at INTEGER NOT NULL,
  next_due_at INTEGER NOT NULL,
  recorded_by INTEGER NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
);
CREATE INDEX certificate_reviews_certificate ON certificate_reviews(certificate_id);
