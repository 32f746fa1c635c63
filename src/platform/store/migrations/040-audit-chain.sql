-- Tamper-evident log (issue 9). One entry per outbox row, appended in the same transaction as the
-- outbox insert: hash = sha256(prev_hash || canonical JSON of the entry). The payload itself stays in
-- the outbox; the entry carries its sha256, so editing an outbox payload breaks the chain too.
CREATE TABLE audit_chain (
  seq INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL UNIQUE,
  type TEXT NOT NULL,
  enterprise_id TEXT,
  occurred_at TEXT NOT NULL,
  payload_sha256 TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_chain_at ON audit_chain(occurred_at);

-- Periodic Ed25519-signed statements "entry <seq> has hash <hash>": truncating the chain's tail or
-- rewriting it wholesale (recomputing every hash) no longer verifies against a signed checkpoint.
CREATE TABLE audit_checkpoints (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL
);
