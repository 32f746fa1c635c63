-- Who made each account (#23): 'config' for users synced from the config file, 'api' for users an
-- enterprise admin created. Config sync must never adopt an 'api' account of the same name (the old
-- token would silently become a regulator's). Accounts the API created before this migration are known
-- from their user.created event in the outbox; every other existing account came from the config.
ALTER TABLE users ADD COLUMN origin TEXT NOT NULL DEFAULT 'config' CHECK (origin IN ('config', 'api'));
UPDATE users SET origin = 'api'
  WHERE id IN (SELECT json_extract(payload, '$.userId') FROM outbox WHERE type = 'user.created');
