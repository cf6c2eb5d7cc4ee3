-- pool: the public compute pool (公共算力池). Providers' offerings (the catalog of spec §2,
-- reviewed by the program office, kept as history), enterprises' demands, and the contracts
-- born on the platform with the capacity they reserve.

-- for the exclusion constraint below: = on text inside a GiST index
create extension if not exists btree_gist;

-- One row per version of a provider's SKU. A change is a new version, never an update of a live
-- row's terms; the only later changes are the review (pending -> approved / rejected) and, when
-- a newer version is approved, the end of the older version's listing moving earlier (never
-- into the past: see Offerings.approve). Approved rows of one (provider, sku) never overlap.
create table pool_offering (
    id                  bigint generated always as identity primary key,
    provider_uscc       text not null references organisation (uscc),
    sku                 text not null check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    version             int not null check (version >= 1),
    category            text not null check (category in ('compute.domestic', 'compute.other', 'model.filed')),
    resource_name       text not null check (length(resource_name) between 1 and 100),
    domestic            boolean not null,
    unit                text not null check (unit in ('gpu_hour', 'million_tokens')),
    -- GPUs the provider can run at once; empty for token services
    capacity            int check (capacity between 1 and 1000000),
    region_code         char(6) not null references region (code),
    reference_price_fen bigint not null check (reference_price_fen between 1 and 100000000),
    listed_from         date not null,
    listed_to           date not null,
    status              text not null check (status in ('pending', 'approved', 'rejected')),
    supersedes_id       bigint references pool_offering (id),
    submitted_by        text not null,
    submitted_at        timestamptz not null,
    reviewed_by         text,
    reviewed_at         timestamptz,
    reject_reason       text check (length(reject_reason) between 1 and 500),
    constraint pool_offering_version unique (provider_uscc, sku, version),
    constraint pool_offering_dates check (listed_to >= listed_from),
    constraint pool_offering_capacity check ((unit = 'gpu_hour') = (capacity is not null)),
    -- the program's categories: domestic GPUs, other GPUs, services on a filed model
    constraint pool_offering_category check (
        (category = 'compute.domestic' and unit = 'gpu_hour' and domestic)
        or (category = 'compute.other' and unit = 'gpu_hour' and not domestic)
        or (category = 'model.filed' and unit = 'million_tokens')),
    constraint pool_offering_review check ((status = 'pending') = (reviewed_at is null)),
    constraint pool_offering_rejection check ((status = 'rejected') = (reject_reason is not null)),
    -- spec §3: two rows of one (provider, sku) may not overlap in listing dates
    constraint pool_offering_no_overlap exclude using gist (
        provider_uscc with =, sku with =, daterange(listed_from, listed_to, '[]') with &&)
        where (status = 'approved')
);
create index pool_offering_pending on pool_offering (submitted_at) where status = 'pending';
create index pool_offering_resource on pool_offering (unit, resource_name) where status = 'approved';

create function pool_offering_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'pool_offering keeps its history: offering % cannot be deleted', old.id;
    end if;
    if (new.provider_uscc, new.sku, new.version, new.category, new.resource_name, new.domestic, new.unit,
        new.capacity, new.region_code, new.reference_price_fen, new.supersedes_id, new.submitted_by,
        new.submitted_at)
       is distinct from
       (old.provider_uscc, old.sku, old.version, old.category, old.resource_name, old.domestic, old.unit,
        old.capacity, old.region_code, old.reference_price_fen, old.supersedes_id, old.submitted_by,
        old.submitted_at) then
        raise exception 'the terms of offering % cannot change: a change is a new version', old.id;
    end if;
    if old.status <> 'pending' and new.status <> old.status then
        raise exception 'offering % was reviewed already', old.id;
    end if;
    if new.listed_from <> old.listed_from and not (old.status = 'pending' and new.listed_from > old.listed_from) then
        raise exception 'the listing of offering % cannot start at another date', old.id;
    end if;
    if new.listed_to > old.listed_to or (new.listed_to < old.listed_to and old.status <> 'approved') then
        raise exception 'the listing of offering % may only end earlier, when it is approved', old.id;
    end if;
    return new;
end $$;
create trigger pool_offering_guard before update or delete on pool_offering
    for each row execute function pool_offering_guard();

-- What an enterprise asks the pool for: GPUs of one model for some hours inside a window, or a
-- volume of tokens of one model service; the budget caps what it pays net of the voucher.
create table pool_demand (
    id              bigint generated always as identity primary key,
    enterprise_uscc text not null references organisation (uscc),
    unit            text not null check (unit in ('gpu_hour', 'million_tokens')),
    resource_name   text not null check (length(resource_name) between 1 and 100),
    gpus            int check (gpus between 1 and 10000),
    hours           int check (hours between 1 and 8784),
    million_tokens  numeric(18, 6) check (million_tokens > 0 and million_tokens <= 1000000000),
    start_on        date not null,
    end_on          date not null,
    region_code     char(6) not null references region (code),
    local_only      boolean not null,
    budget_fen      bigint not null check (budget_fen between 1 and 1000000000000),
    status          text not null check (status in ('open', 'contracted', 'withdrawn')),
    created_by      text not null,
    created_at      timestamptz not null,
    constraint pool_demand_quantity check (
        (unit = 'gpu_hour' and gpus is not null and hours is not null and million_tokens is null)
        or (unit = 'million_tokens' and gpus is null and hours is null and million_tokens is not null)),
    constraint pool_demand_window check (end_on >= start_on and end_on - start_on < 366),
    constraint pool_demand_hours check (hours is null or hours <= (end_on - start_on + 1) * 24)
);
create index pool_demand_enterprise on pool_demand (enterprise_uscc, id);
create index pool_demand_open on pool_demand (id) where status = 'open';

create function pool_demand_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'pool_demand keeps its history: demand % cannot be deleted', old.id;
    end if;
    if (to_jsonb(new) - 'status') <> (to_jsonb(old) - 'status') or old.status <> 'open' then
        raise exception 'demand % can only leave the open state, and nothing else of it can change', old.id;
    end if;
    return new;
end $$;
create trigger pool_demand_guard before update or delete on pool_demand
    for each row execute function pool_demand_guard();

-- Contracts born on the platform, in the shape of spec §2 contracts.csv (one row per line).
create sequence pool_contract_number;

create table pool_contract (
    contract_id     text primary key check (contract_id ~ '^[A-Za-z0-9._-]{1,64}$'),
    enterprise_uscc text not null references organisation (uscc),
    provider_uscc   text not null references organisation (uscc),
    signed_on       date not null,
    start_on        date not null,
    end_on          date not null,
    demand_id       bigint not null unique references pool_demand (id),
    created_by      text not null,
    created_at      timestamptz not null,
    constraint pool_contract_term check (end_on >= start_on),
    constraint pool_contract_parties check (enterprise_uscc <> provider_uscc)
);
create index pool_contract_enterprise on pool_contract (enterprise_uscc, signed_on);
create index pool_contract_provider on pool_contract (provider_uscc, signed_on);

create table pool_contract_line (
    contract_id    text not null references pool_contract (contract_id),
    sku            text not null,
    offering_id    bigint not null references pool_offering (id),
    unit_price_fen bigint not null check (unit_price_fen >= 0),
    quantity_max   numeric(18, 6) not null check (quantity_max > 0),
    primary key (contract_id, sku)
);

-- GPUs of a (provider, sku) held for a contract on every day of [start_on, end_on]. A new
-- reservation is made only while the offering row in force is locked, and only when the peak
-- of the reservations on any day of its window leaves room for it under the row's capacity.
create table pool_reservation (
    id            bigint generated always as identity primary key,
    provider_uscc text not null,
    sku           text not null,
    offering_id   bigint not null references pool_offering (id),
    contract_id   text not null references pool_contract (contract_id),
    gpus          int not null check (gpus >= 1),
    start_on      date not null,
    end_on        date not null,
    constraint pool_reservation_window check (end_on >= start_on)
);
create index pool_reservation_sku on pool_reservation (provider_uscc, sku, start_on, end_on);

create function pool_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end $$;
create trigger pool_contract_append_only before update or delete on pool_contract
    for each statement execute function pool_append_only();
create trigger pool_contract_line_append_only before update or delete on pool_contract_line
    for each statement execute function pool_append_only();
create trigger pool_reservation_append_only before update or delete on pool_reservation
    for each statement execute function pool_append_only();
