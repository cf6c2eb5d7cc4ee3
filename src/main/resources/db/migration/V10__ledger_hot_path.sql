-- ledger: a cheaper write path for the journal (issue 3, measured in docs/performance.md).
-- Every row written to ledger_transfer paid for four secondary b-tree entries and a per-row
-- time-zone check; on the hot path (one pool account, thousands of reservations per commit)
-- those cost more than the row itself. Same guarantees, less work per row:
--
-- 1. Account statements come from ledger_account_batch: one row per account and batch with
--    the positions of the transfers that moved it, instead of two b-tree entries per transfer
--    (debit, credit). The hot pool account gets one row per batch, not one entry per transfer.
-- 2. Transfers of a business record are found through a hash index on source_id (equality is
--    all that is asked; a hash index does not compare keys in collation order on insert).
-- 3. The insert check aggregates the inserted rows and checks the groups; the "no post-dating"
--    rule moves there from a per-row CHECK (the time-zone conversion was evaluated for every
--    row; booked_at is one value per batch).

drop index ledger_transfer_debit;
drop index ledger_transfer_credit;
drop index ledger_transfer_source;
create index ledger_transfer_source on ledger_transfer using hash (source_id);

-- The statement index: which positions of batch batch_seq moved account_id (as debit or credit).
-- Written in the same transaction as the batch; append-only like the journal. verify-ledger
-- recomputes it from the journal.
create table ledger_account_batch (
    account_id    uuid not null,
    batch_seq     bigint not null,
    batch_indexes int[] not null check (cardinality(batch_indexes) between 1 and 100000),
    primary key (account_id, batch_seq)
);
insert into ledger_account_batch (account_id, batch_seq, batch_indexes)
select account_id, batch_seq, array_agg(batch_index order by batch_index)
from (select debit_account_id as account_id, batch_seq, batch_index from ledger_transfer
      union all
      select credit_account_id, batch_seq, batch_index from ledger_transfer) moves
group by account_id, batch_seq;

create trigger ledger_account_batch_append_only before update or delete on ledger_account_batch
    for each statement execute function ledger_refuse_change();
create trigger ledger_account_batch_no_truncate before truncate on ledger_account_batch
    for each statement execute function ledger_refuse_change();

alter table ledger_transfer drop constraint ledger_transfer_not_post_dated;

-- Same checks as before (see V6), plus no post-dating, in two passes over the inserted rows:
-- the distinct (program, account) pairs, and the groups of rows that share program, code,
-- source type, booking time and batch (usually a handful per batch), checked once per group.
create or replace function ledger_transfer_check_inserted() returns trigger language plpgsql as $$
declare
    hit record;
begin
    with g as materialized (
        select program_id, code, source_type, booked_at, batch_seq,
               min(value_date) as first_value_date, max(value_date) as last_value_date,
               max(batch_index) as last_index
        from inserted
        group by program_id, code, source_type, booked_at, batch_seq
    ), accounts as (
        select distinct program_id, debit_account_id as account_id from inserted
        union
        select distinct program_id, credit_account_id from inserted
    ), problems as (
        select 1 as rank, format('ledger_transfer: code %s or source type %s is malformed', g.code, g.source_type)
                   as message, 'check_violation' as state
        from g
        where g.code !~ '^[A-Z][A-Z0-9_]{1,47}$' or g.source_type !~ '^[a-z][a-z0-9_.-]{0,63}$'
        union all
        select 2, format('ledger_transfer: account %s does not exist in program %s', m.account_id, m.program_id),
               'foreign_key_violation'
        from accounts m
        where not exists (select 1 from ledger_account a where a.id = m.account_id and a.program_id = m.program_id)
        union all
        select 3, format('ledger_transfer in batch %s: value date %s is in a closed period of program %s (closed through %s)',
                         g.batch_seq, g.first_value_date, g.program_id, c.closed_through), 'check_violation'
        from g join ledger_period_close c on c.program_id = g.program_id and g.first_value_date <= c.closed_through
        union all
        select 4, format('ledger_transfer in batch %s: value date %s is after its booking day %s', g.batch_seq,
                         g.last_value_date, (g.booked_at at time zone 'Asia/Shanghai')::date), 'check_violation'
        from g where g.last_value_date > (g.booked_at at time zone 'Asia/Shanghai')::date
        union all
        select 5, format('ledger_transfer in batch %s: not within a recorded batch', g.batch_seq), 'foreign_key_violation'
        from g left join ledger_batch b on b.seq = g.batch_seq
        where b.seq is null or g.last_index >= b.transfer_count
    )
    select p.message, p.state into hit from problems p order by p.rank limit 1;
    if found then
        if hit.state = 'check_violation' then
            raise exception '%', hit.message using errcode = 'check_violation';
        end if;
        raise exception '%', hit.message using errcode = 'foreign_key_violation';
    end if;
    return null;
end $$;
