-- 特种作业操作证 of welders (焊接与热切割作业), owned by src/certificates.
CREATE TABLE certificates (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  user_id INTEGER NOT NULL REFERENCES users(id),
  number TEXT NOT NULL,
  category TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  UNIQUE (category, number)
);
CREATE INDEX certificates_user ON certificates(user_id);

-- 加锁赋码 confined-space entrance locks (owned by src/locks).
CREATE TABLE locks (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  site_id TEXT NOT NULL,
  name TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  camera_id TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'locked',
  created_at INTEGER NOT NULL
);

-- Unlock grants: issued against an approved confined-space permit, consumed by the lock's open event.
CREATE TABLE lock_grants (
  id TEXT PRIMARY KEY,
  lock_id TEXT NOT NULL REFERENCES locks(id),
  permit_id TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);

-- Every lock event (opened / closed) and every entry / exit through the entrance.
CREATE TABLE lock_events (
  id INTEGER PRIMARY KEY,
  lock_id TEXT NOT NULL REFERENCES locks(id),
  event TEXT NOT NULL,
  grant_id TEXT,
  authorised INTEGER NOT NULL,
  via TEXT NOT NULL,
  at INTEGER NOT NULL
);

CREATE TABLE confined_entries (
  id INTEGER PRIMARY KEY,
  permit_id TEXT NOT NULL,
  lock_id TEXT NOT NULL REFERENCES locks(id),
  person TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  tools TEXT NOT NULL DEFAULT '',
  recorded_by INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX confined_entries_permit ON confined_entries(permit_id);
