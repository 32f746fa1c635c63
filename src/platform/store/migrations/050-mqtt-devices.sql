-- MQTT device identity (#23): one credential per chip or lock. The secret itself is shown once at
-- issue and never stored; `secret_hash` authenticates the CONNECT, `command_key` (derived from the
-- secret, which the device derives too) signs the commands the device must verify. `last_seq` is the
-- highest event sequence the device has sent, so a replayed event is refused after a restart as well.
CREATE TABLE mqtt_devices (
  kind TEXT NOT NULL CHECK (kind IN ('machine', 'lock')),
  device_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  enterprise_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  command_key TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  issued_by INTEGER,
  revoked_at INTEGER,
  last_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, device_id)
);
