-- metering: providers' usage reports (spec §2 usage.ndjson, and CSV with the same fields), each
-- event checked as spec §4 says when it arrives, its verdict kept; enterprises' disputes.
-- Design notes: docs/metering.md.

-- One push of usage: an API call or a file uploaded on the provider portal. The idempotency key
-- is unique per provider, in the same transaction as the events the upload stores.
create table metering_upload (
    id              bigint generated always as identity primary key,
    provider_uscc   text not null references organisation (uscc),
    channel         text not null check (channel in ('api', 'page', 'direct')),
    idempotency_key text check (length(idempotency_key) between 1 and 200),
    body_sha256     bytea not null check (length(body_sha256) = 32),
    format          text not null check (format in ('ndjson', 'csv', 'lines')),
    file_name       text check (length(file_name) between 1 and 255),
    received_at     timestamptz not null,
    received_by     text not null,
    lines           int not null default 0 check (lines >= 0),
    accepted        int not null default 0 check (accepted >= 0),
    rejected        int not null default 0 check (rejected >= 0),
    problems        int not null default 0 check (problems >= 0),
    constraint metering_upload_key unique (provider_uscc, idempotency_key)
);
create index metering_upload_provider on metering_upload (provider_uscc, id);

-- One usage event as reported, with the verdict it got on arrival. An upload's events take the
-- key range upload id × 2^20 + 1 … in (contract_id, sku, start, event_id) order, so that the
-- events of one contract line in one upload are one run of keys (usage_range); line_no is where
-- the event stood in the upload. Instants are epoch nanoseconds (spec timestamps may carry nine
-- fractional digits), quantities millionths of a unit. What is the same for every event of a
-- contract line (parties, unit, category, prices) is in metering_line. Ids compare as bytes
-- (collate "C"): replay's order of event ids, and cheap key comparisons. The evidence never
-- changes (see the trigger); a correction is a new event that names the one it adjusts.
--   status accepted   counts (unless disputed); rejected: reason says why; superseded: replaced
--                     or withdrawn by the adjustment superseded_by; withdrawal: an adjustment
--                     with quantity 0 that withdraws the event it adjusts, never counts itself.
--   amount_fen        accepted events: round_half_up(quantity × the line's price basis)
--   in_capacity       the event takes GPUs in the capacity check of spec §4.5 (it passed checks
--                     1-5; an event rejected OVER_CONTRACT_QUANTITY passed 5 and still does)
-- Two keys only, because every index costs each stored event: see docs/performance.md.
create table usage_event (
    usage_id         bigint primary key,
    line_no          int not null check (line_no >= 1),
    provider_uscc    text collate "C" not null,
    event_id         text collate "C" not null check (length(event_id) between 1 and 200),
    contract_id      text collate "C" not null,
    sku              text collate "C" not null,
    units            int check (units >= 0),
    quantity_micros  bigint not null,
    start_ns         bigint not null,
    end_ns           bigint not null,
    adjusts_event_id text collate "C",
    status           text not null check (status in ('accepted', 'rejected', 'superseded', 'withdrawal')),
    reason           text,
    amount_fen       bigint,
    in_capacity      boolean not null,
    disputed         boolean not null default false,
    superseded_by    bigint,
    counted_by       text,
    -- spec §4.1 online: one event per (provider, event id), ever
    constraint usage_event_once unique (provider_uscc, event_id),
    constraint usage_event_reason check ((status = 'rejected') = (reason is not null)),
    constraint usage_event_counted check (counted_by is null or (status = 'accepted' and not disputed)),
    constraint usage_event_disputed check (not disputed or status = 'accepted')
);

-- A run of keys that one upload gave events of one (contract_id, sku), at most 64 of them, with
-- the span of their times: a contract's events are found through its runs (voucher redemptions,
-- the enterprise's view), and the events that hold a provider's GPUs in a window through the
-- runs of its SKU that overlap the window (the capacity check). One row per run instead of one
-- index entry per event.
create table usage_range (
    first_usage_id bigint primary key,
    last_usage_id  bigint not null,
    upload_id      bigint not null,
    provider_uscc  text collate "C" not null,
    contract_id    text collate "C" not null,
    sku            text collate "C" not null,
    min_start_ns   bigint not null,
    max_end_ns     bigint not null,
    constraint usage_range_keys check (last_usage_id >= first_usage_id
        and first_usage_id >> 20 = upload_id and last_usage_id >> 20 = upload_id)
);
create index usage_range_contract on usage_range (contract_id, sku);
create index usage_range_capacity on usage_range (provider_uscc, sku, max_end_ns);

create function usage_event_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'usage_event keeps its evidence: event % cannot be deleted', old.usage_id;
    end if;
    if (new.usage_id, new.line_no, new.provider_uscc, new.event_id, new.contract_id, new.sku, new.units, new.quantity_micros,
        new.start_ns, new.end_ns, new.adjusts_event_id, new.amount_fen)
       is distinct from
       (old.usage_id, old.line_no, old.provider_uscc, old.event_id, old.contract_id, old.sku, old.units, old.quantity_micros,
        old.start_ns, old.end_ns, old.adjusts_event_id, old.amount_fen) then
        raise exception 'usage event % cannot change: a correction is a new event that adjusts it', old.usage_id;
    end if;
    if old.counted_by is not null and new.counted_by is distinct from old.counted_by then
        raise exception 'usage event % was counted by redemption % already', old.usage_id, old.counted_by;
    end if;
    if (new.status, new.reason) is distinct from (old.status, old.reason)
       and not (old.status = 'accepted' and old.counted_by is null
                and ((new.status = 'superseded' and new.reason is null and new.superseded_by is not null)
                  or (new.status = 'rejected' and new.reason = 'DISPUTE_UPHELD'))) then
        raise exception 'usage event % cannot go from % to %', old.usage_id, old.status, new.status;
    end if;
    if old.superseded_by is not null and new.superseded_by is distinct from old.superseded_by then
        raise exception 'usage event % was superseded already', old.usage_id;
    end if;
    if new.in_capacity and not old.in_capacity then
        raise exception 'usage event % cannot take capacity again', old.usage_id;
    end if;
    return new;
end $$;
create trigger usage_event_guard before update or delete on usage_event
    for each row execute function usage_event_guard();

-- The lines of an upload that stored no event: malformed, another provider's, a duplicate or an
-- event id reused with another body. One per line.
create table metering_upload_problem (
    upload_id   bigint not null references metering_upload (id),
    line_no     int not null check (line_no >= 1),
    event_id    text,
    code        text not null,
    field       text,
    message_key text not null,
    -- the message's arguments, joined by U+001F (unit separator)
    args        text not null,
    usage_id    bigint,
    primary key (upload_id, line_no)
);

-- The contract lines metering has stored events for (the provider's own lines): the parties, the
-- unit and category of the catalog row listed on the signing day, the contract's unit price, the
-- reference price and the price basis of spec §3 (min of the two when listed), the maximum, and
-- the quantity of its events that count now (check 6 online). A contract does not change, so
-- neither does a line but for accepted_micros, which moves only under the provider's ingestion
-- lock, or down when a dispute is upheld.
create table metering_line (
    contract_id         text collate "C" not null,
    sku                 text collate "C" not null,
    provider_uscc       text collate "C" not null,
    enterprise_uscc     text not null,
    unit                text check (unit in ('gpu_hour', 'million_tokens')),
    category            text,
    unit_price_fen      bigint not null check (unit_price_fen >= 0),
    reference_price_fen bigint check (reference_price_fen >= 0),
    price_basis_fen     bigint not null check (price_basis_fen >= 0),
    quantity_max_micros bigint not null,
    accepted_micros     bigint not null check (accepted_micros >= 0),
    primary key (contract_id, sku),
    constraint metering_line_listed check ((unit is null) = (category is null) and (unit is null) = (reference_price_fen is null))
);
create index metering_line_enterprise on metering_line (enterprise_uscc, contract_id);
create index metering_line_sku on metering_line (provider_uscc, sku);

-- An enterprise disputes an event of its contract; until the program office resolves it the
-- event does not count. upheld: the event is rejected DISPUTE_UPHELD; dismissed: it counts
-- again; superseded: the provider corrected the event meanwhile. One dispute per event.
create table usage_dispute (
    id              bigint generated always as identity primary key,
    usage_id        bigint not null unique references usage_event (usage_id),
    enterprise_uscc text not null,
    reason          text not null check (length(reason) between 1 and 500),
    raised_by       text not null,
    raised_at       timestamptz not null,
    resolution      text check (resolution in ('upheld', 'dismissed', 'superseded')),
    resolution_note text check (length(resolution_note) <= 500),
    resolved_by     text,
    resolved_at     timestamptz,
    constraint usage_dispute_resolved check ((resolution is null) = (resolved_at is null)
        and (resolution is null) = (resolved_by is null))
);
create index usage_dispute_open on usage_dispute (raised_at) where resolution is null;
create index usage_dispute_enterprise on usage_dispute (enterprise_uscc, raised_at);

create function usage_dispute_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'usage_dispute keeps its history: dispute % cannot be deleted', old.id;
    end if;
    if old.resolution is not null
       or (new.id, new.usage_id, new.enterprise_uscc, new.reason, new.raised_by, new.raised_at)
          is distinct from (old.id, old.usage_id, old.enterprise_uscc, old.reason, old.raised_by, old.raised_at) then
        raise exception 'dispute % can only be resolved, once', old.id;
    end if;
    return new;
end $$;
create trigger usage_dispute_guard before update or delete on usage_dispute
    for each row execute function usage_dispute_guard();
