-- The nonce purge deletes by age; without this index it scanned every remembered nonce.
CREATE INDEX scan_nonces_seen ON scan_nonces(seen_at);
