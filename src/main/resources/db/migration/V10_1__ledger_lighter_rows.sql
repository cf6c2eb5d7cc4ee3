-- ledger: lighter journal inserts and balance updates, second round (issue 3, measured in
-- docs/performance.md). Same guarantees as V6/V10, less work per row:
--
-- 1. pending_id: the per-row foreign key queued an after-row trigger event for every inserted
--    transfer (also for the ~all rows without a pending_id) and fetched the row back to check it.
--    The statement-level insert check now checks, once per statement and only for the rows that
--    have one, that pending_id names a PENDING transfer of the same program (stronger than the
--    foreign key, which accepted any transfer). Transfers can be neither deleted nor re-keyed
--    (append-only triggers), so checking at insert is the same guarantee a foreign key gives.
-- 2. ledger_account_fixed_definition fires only for updates that SET an identity column: the
--    per-batch balance update (SET of the four balances only) no longer evaluates its WHEN
--    clause for every account. An update that changes an identity column must name it in SET,
--    so every redefinition is still refused.

alter table ledger_transfer drop constraint ledger_transfer_pending_id_fkey;

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
        union all
        select 6, format('ledger_transfer %s: pending transfer %s does not exist in program %s', n.id, n.pending_id,
                         n.program_id), 'foreign_key_violation'
        from inserted n
        where n.pending_id is not null
          and not exists (select 1 from ledger_transfer p
                          where p.id = n.pending_id and p.kind = 'PENDING' and p.program_id = n.program_id)
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

drop trigger ledger_account_fixed_definition on ledger_account;
create trigger ledger_account_fixed_definition
    before update of id, program_id, code, owner, currency, debits_must_not_exceed_credits,
        credits_must_not_exceed_debits, created_at on ledger_account
    for each row when (old.id is distinct from new.id
        or old.program_id is distinct from new.program_id or old.code is distinct from new.code
        or old.owner is distinct from new.owner or old.currency is distinct from new.currency
        or old.debits_must_not_exceed_credits is distinct from new.debits_must_not_exceed_credits
        or old.credits_must_not_exceed_debits is distinct from new.credits_must_not_exceed_debits
        or old.created_at is distinct from new.created_at)
    execute function ledger_account_refuse_redefinition();
