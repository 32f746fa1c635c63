-- 群众/员工举报 (issue 22): a public report channel per enterprise.
--
-- The poster token a QR carries. It grants one thing only: filing a report into this enterprise's
-- hazard list. It is printed on walls, so it is stored as is (the poster must be re-printable); the
-- admin rotates it (the old poster stops working) or revokes it (the channel closes).
CREATE TABLE public_report_tokens (
  token TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  created_at TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id),
  revoked_at TEXT
);
CREATE UNIQUE INDEX public_report_tokens_live ON public_report_tokens(enterprise_id) WHERE revoked_at IS NULL;

-- One row per report: the receipt is a bearer secret in the reporter's hands, so only its sha256 is
-- kept (a copy of the database lets nobody follow someone else's report). The optional contact is
-- shown to the regulator only: a worker reporting their own employer must not be exposed to it.
CREATE TABLE public_reports (
  receipt_hash TEXT PRIMARY KEY,
  hazard_id INTEGER NOT NULL UNIQUE REFERENCES hazards(id),
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  token TEXT NOT NULL REFERENCES public_report_tokens(token),
  contact TEXT,
  created_at TEXT NOT NULL
);

-- The system actor that registers reported hazards (hazards.registered_by must name a user). Its name
-- has a colon, which neither the config nor the user API accepts, so no account can claim or log in as
-- it; it is disabled and has no password and no enterprise (the channel gives it one enterprise's
-- scope per report, that of the poster's token). Its id is 0: SQLite gives the next account
-- max(id) + 1, so the accounts made after it keep the ids they would have had (1, 2, …).
INSERT INTO users (id, username, display_name, role, enterprise_id, region_id, password_hash, disabled, created_at, origin)
VALUES (0, 'system:public-report', '群众举报通道 public report channel', 'safety_officer', NULL, NULL, '!', 1,
        '2026-12-07T00:00:00.000Z', 'config');
