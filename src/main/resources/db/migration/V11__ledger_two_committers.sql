-- ledger: two committers at once (issue 3, measured in docs/performance.md, "Fourth round").
-- The writer lets batch N+1 copy its rows while batch N commits; N+1 takes the chain head and
-- commits only after N has committed (see BatchWriter). Its ledger_batch row names N as prev_seq
-- before N is visible, so the link to the previous batch is checked at commit instead of at
-- insert. The guarantee is the same: no batch row commits without the row it links to.
alter table ledger_batch alter constraint ledger_batch_prev_seq_fkey deferrable initially deferred;
