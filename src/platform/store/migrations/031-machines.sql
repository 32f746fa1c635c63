-- 一机一码 welding machines, scans and work authorisations (owned by src/machines).
CREATE TABLE machines (
  id TEXT PRIMARY KEY,
  enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
  site_id TEXT NOT NULL,
  name TEXT NOT NULL,
  camera_id TEXT,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  token_version INTEGER NOT NULL DEFAULT 1,
  revoked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);

-- Every scan: who, which machine, where, when, and the result (accepted or the refusal code).
CREATE TABLE machine_scans (
  id INTEGER PRIMARY KEY,
  enterprise_id TEXT,
  machine_id TEXT,
  user_id INTEGER NOT NULL,
  lat REAL,
  lon REAL,
  accuracy_m REAL,
  distance_m REAL,
  at INTEGER NOT NULL,
  result TEXT NOT NULL,
  permit_id TEXT,
  warnings TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX machine_scans_machine ON machine_scans(machine_id, at);

-- Nonces of scan requests seen recently: a replayed request is refused.
CREATE TABLE scan_nonces (
  nonce TEXT PRIMARY KEY,
  seen_at INTEGER NOT NULL
);

-- Work authorisations issued by an accepted scan; the chip powers on with one, once.
CREATE TABLE machine_authorisations (
  jti TEXT PRIMARY KEY,
  machine_id TEXT NOT NULL REFERENCES machines(id),
  permit_id TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX machine_authorisations_machine ON machine_authorisations(machine_id, issued_at);

-- 加芯赋码 chip reports (power and current), and the machine's current power session.
CREATE TABLE machine_telemetry (
  id INTEGER PRIMARY KEY,
  machine_id TEXT NOT NULL,
  powered INTEGER NOT NULL,
  current_a REAL NOT NULL,
  via TEXT NOT NULL,
  at INTEGER NOT NULL,
  verdict TEXT NOT NULL
);
CREATE INDEX machine_telemetry_machine ON machine_telemetry(machine_id, at);

CREATE TABLE machine_sessions (
  machine_id TEXT PRIMARY KEY REFERENCES machines(id),
  jti TEXT,
  permit_id TEXT,
  user_id INTEGER,
  powered_at INTEGER NOT NULL
);
