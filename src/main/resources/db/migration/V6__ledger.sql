-- ledger: double-entry accounts and an append-only journal of transfers, hash-chained with SM3
-- per committed batch. Java checks everything first and answers with a result code; the
-- database refuses whatever it can refuse by itself, so that a bug or a hand-written statement
-- cannot break an invariant either. See docs/ledger.md.

-- Accounts. Balances are a cache of the journal, updated once per batch per account;
-- ./zhice verify-ledger recomputes them from the journal.
create table ledger_account (
    id                             uuid primary key,
    program_id                     text not null,  -- identity columns: validated at insert, then
    code                           text not null,  -- immutable (triggers below); a CHECK would run
    owner                          text not null,  -- its patterns again on every balance update
    currency                       char(3) not null check (currency = 'CNY'),
    debits_must_not_exceed_credits boolean not null,
    credits_must_not_exceed_debits boolean not null,
    debits_pending                 bigint not null default 0 check (debits_pending >= 0),
    debits_posted                  bigint not null default 0 check (debits_posted >= 0),
    credits_pending                bigint not null default 0 check (credits_pending >= 0),
    credits_posted                 bigint not null default 0 check (credits_posted >= 0),
    created_at                     timestamptz not null,
    constraint ledger_account_identity unique (program_id, code, owner),
    constraint ledger_account_one_limit
        check (not (debits_must_not_exceed_credits and credits_must_not_exceed_debits)),
    -- the never-oversold rule, at the row: pending debits count against the limit
    constraint ledger_account_debits_within_credits
        check (not debits_must_not_exceed_credits or debits_pending + debits_posted <= credits_posted),
    constraint ledger_account_credits_within_debits
        check (not credits_must_not_exceed_debits or credits_pending + credits_posted <= debits_posted)
) with (fillfactor = 50);  -- room on each page, so that balance updates are HOT (no index writes)

-- The tip of the hash chain: one row, locked by every batch for the length of its transaction.
create table ledger_chain_head (
    only_row boolean primary key default true check (only_row),
    seq      bigint not null check (seq >= 0),
    hash     bytea not null check (length(hash) = 32)
);
insert into ledger_chain_head (only_row, seq, hash) values (true, 0, decode(repeat('00', 32), 'hex'));

-- One row per committed batch: a linear, gap-free chain (prev_seq = seq - 1, each used once).
-- hash = SM3(prev_hash || seq || committed_at || count || entry_hash of each transfer in order).
create table ledger_batch (
    seq            bigint primary key check (seq > 0),
    prev_seq       bigint unique references ledger_batch (seq),
    committed_at   timestamptz not null,
    transfer_count int not null check (transfer_count between 1 and 100000),
    prev_hash      bytea not null check (length(prev_hash) = 32),
    hash           bytea not null unique check (length(hash) = 32),
    constraint ledger_batch_linear check ((seq = 1 and prev_seq is null) or prev_seq = seq - 1)
);

-- The journal. A transfer is never updated or deleted; a correction is a reversing transfer.
-- kind: SINGLE (posted at once), PENDING (reserves), POST / VOID (resolve a PENDING, once).
create table ledger_transfer (
    id                uuid primary key,
    batch_seq         bigint not null,       -- a batch of ledger_batch: checked per statement, below
    batch_index       int not null check (batch_index >= 0),
    kind              text not null check (kind in ('SINGLE', 'PENDING', 'POST', 'VOID')),
    program_id        text not null,
    debit_account_id  uuid not null,         -- accounts of program_id: checked per statement, below
    credit_account_id uuid not null,
    amount_fen        bigint not null check (amount_fen > 0),
    pending_id        uuid references ledger_transfer (id),
    code              text not null,         -- patterns checked per statement on distinct values, below
    source_type       text not null,
    source_id         text not null check (length(source_id) between 1 and 128),
    idempotency_key   text check (length(idempotency_key) between 1 and 128),
    value_date        date not null,
    booked_at         timestamptz not null,
    linked            boolean not null,
    entry_hash        bytea not null check (length(entry_hash) = 32),
    constraint ledger_transfer_position unique (batch_seq, batch_index),
    constraint ledger_transfer_two_accounts check (debit_account_id <> credit_account_id),
    constraint ledger_transfer_pending_reference check ((kind in ('POST', 'VOID')) = (pending_id is not null)),
    -- no post-dating: the accounting date is never after the day it was booked (Asia/Shanghai)
    constraint ledger_transfer_not_post_dated
        check (value_date <= (booked_at at time zone 'Asia/Shanghai')::date)
);
-- at most once: an idempotency key, and the resolution (post or void) of a pending transfer
create unique index ledger_transfer_idempotency_key on ledger_transfer (idempotency_key)
    where idempotency_key is not null;
create unique index ledger_transfer_resolved_once on ledger_transfer (pending_id)
    where pending_id is not null;
create index ledger_transfer_source on ledger_transfer (source_type, source_id);
create index ledger_transfer_debit on ledger_transfer (debit_account_id, batch_seq);
create index ledger_transfer_credit on ledger_transfer (credit_account_id, batch_seq);

-- Books closed through a date, per program. Closing only moves forward (append-only).
create table ledger_period_close (
    program_id     text not null check (program_id ~ '^[a-z0-9-]{3,64}$'),
    closed_through date not null,
    closed_at      timestamptz not null,
    closed_by      text not null,
    primary key (program_id, closed_through)
);

-- Idempotency of whole API requests: the key, a digest of the request body and the answer
-- given, stored in the same transaction as the transfers.
create table ledger_request (
    idempotency_key text primary key check (length(idempotency_key) between 1 and 128),
    body_digest     bytea not null check (length(body_digest) = 32),
    results         text[] not null,
    actor           text not null,
    created_at      timestamptz not null
);

create function ledger_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: % refused (a correction is a new, reversing transfer)',
        tg_table_name, tg_op using errcode = 'restrict_violation';
end $$;

create trigger ledger_transfer_append_only before update or delete on ledger_transfer
    for each statement execute function ledger_refuse_change();
create trigger ledger_transfer_no_truncate before truncate on ledger_transfer
    for each statement execute function ledger_refuse_change();
create trigger ledger_batch_append_only before update or delete on ledger_batch
    for each statement execute function ledger_refuse_change();
create trigger ledger_batch_no_truncate before truncate on ledger_batch
    for each statement execute function ledger_refuse_change();
create trigger ledger_period_close_append_only before update or delete on ledger_period_close
    for each statement execute function ledger_refuse_change();
create trigger ledger_period_close_no_truncate before truncate on ledger_period_close
    for each statement execute function ledger_refuse_change();
create trigger ledger_request_append_only before update or delete on ledger_request
    for each statement execute function ledger_refuse_change();
create trigger ledger_request_no_truncate before truncate on ledger_request
    for each statement execute function ledger_refuse_change();
create trigger ledger_account_no_delete before delete on ledger_account
    for each statement execute function ledger_refuse_change();
create trigger ledger_account_no_truncate before truncate on ledger_account
    for each statement execute function ledger_refuse_change();

-- An account's identity and limits never change; only its four balances move.
create function ledger_account_refuse_redefinition() returns trigger language plpgsql as $$
begin
    raise exception 'ledger_account %: only balances may change', old.id using errcode = 'restrict_violation';
end $$;
create function ledger_account_check_identity() returns trigger language plpgsql as $$
begin
    if new.program_id !~ '^[a-z0-9-]{3,64}$' or new.code !~ '^[A-Z][A-Z0-9_]{1,31}$'
            or new.owner !~ '^[0-9A-Za-z._:-]{1,64}$' then
        raise exception 'ledger_account %: program %, code % or owner % is malformed',
            new.id, new.program_id, new.code, new.owner using errcode = 'check_violation';
    end if;
    return new;
end $$;
create trigger ledger_account_identity before insert on ledger_account
    for each row execute function ledger_account_check_identity();

create trigger ledger_account_fixed_definition before update on ledger_account
    for each row when (old.id is distinct from new.id
        or old.program_id is distinct from new.program_id or old.code is distinct from new.code
        or old.owner is distinct from new.owner or old.currency is distinct from new.currency
        or old.debits_must_not_exceed_credits is distinct from new.debits_must_not_exceed_credits
        or old.credits_must_not_exceed_debits is distinct from new.credits_must_not_exceed_debits
        or old.created_at is distinct from new.created_at)
    execute function ledger_account_refuse_redefinition();

-- Every insert statement is checked as a set, once (a per-row foreign key would run three
-- lookups per transfer; accounts and batches can be neither deleted nor re-keyed, so checking
-- at insert is the same guarantee):
--   both accounts exist and belong to the transfer's program;
--   codes and source types are well-formed (patterns matched once per distinct value);
--   no value date falls in a closed period of its program (no back-dated entry);
--   the batch exists and the transfer's position lies within its count.
create function ledger_transfer_check_inserted() returns trigger language plpgsql as $$
declare
    hit record;
begin
    select v.code, v.source_type into hit
    from (select distinct code, source_type from inserted) v
    where v.code !~ '^[A-Z][A-Z0-9_]{1,47}$' or v.source_type !~ '^[a-z][a-z0-9_.-]{0,63}$'
    limit 1;
    if found then
        raise exception 'ledger_transfer: code % or source type % is malformed', hit.code, hit.source_type
            using errcode = 'check_violation';
    end if;
    select m.program_id, m.account_id into hit
    from (select distinct program_id, debit_account_id as account_id from inserted
          union select distinct program_id, credit_account_id from inserted) m
    where not exists (select 1 from ledger_account a where a.id = m.account_id and a.program_id = m.program_id)
    limit 1;
    if found then
        raise exception 'ledger_transfer: account % does not exist in program %', hit.account_id, hit.program_id
            using errcode = 'foreign_key_violation';
    end if;
    select n.id, n.program_id, n.value_date, c.closed_through into hit
    from inserted n
    join ledger_period_close c on c.program_id = n.program_id and n.value_date <= c.closed_through
    limit 1;
    if found then
        raise exception 'ledger_transfer %: value date % is in a closed period of program % (closed through %)',
            hit.id, hit.value_date, hit.program_id, hit.closed_through using errcode = 'check_violation';
    end if;
    select n.id into hit from inserted n left join ledger_batch b on b.seq = n.batch_seq
    where b.seq is null or n.batch_index >= b.transfer_count
    limit 1;
    if found then
        raise exception 'ledger_transfer %: not within a recorded batch', hit.id
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end $$;
create trigger ledger_transfer_checked after insert on ledger_transfer
    referencing new table as inserted
    for each statement execute function ledger_transfer_check_inserted();
