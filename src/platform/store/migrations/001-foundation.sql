-- Tenancy: regions (county/city regulators) contain enterprises.
CREATE TABLE regions (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);

CREATE TABLE enterprises (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  region_id TEXT NOT NULL REFERENCES regions(id),
  industry TEXT NOT NULL
);

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id)
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  enterprise_id TEXT REFERENCES enterprises(id),
  region_id TEXT REFERENCES regions(id),
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

-- Opaque bearer tokens; only their sha256 is stored, so a copy of the database grants no access.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- The transactional outbox: every domain event is written here in the same transaction as the state
-- change it describes, so it can later be shipped (NATS JetStream to a regulator hub) exactly once.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  enterprise_id TEXT,
  payload TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  shipped_at TEXT
);
CREATE INDEX outbox_unshipped ON outbox(shipped_at) WHERE shipped_at IS NULL;
