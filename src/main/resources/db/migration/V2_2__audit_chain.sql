-- audit: hash chain. Each entry's hash is SM3 over its content and the previous entry's hash,
-- in seq order; writers take a transaction-level advisory lock to append to the chain.
alter table audit_log add column seq bigint;
alter table audit_log add column prev_hash char(64);
alter table audit_log add column hash char(64);
create unique index audit_log_seq on audit_log (seq);
