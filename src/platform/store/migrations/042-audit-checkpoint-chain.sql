-- Checkpoints chained to each other (issue 23): each checkpoint signs the digest of the one before it,
-- so deleting, re-numbering or re-ordering checkpoints breaks the checkpoint chain. Rows from before
-- this migration keep prev_digest NULL and are verified with the older message (a legacy prefix).
ALTER TABLE audit_checkpoints ADD COLUMN prev_digest TEXT;
