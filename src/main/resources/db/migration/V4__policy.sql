-- policy: voucher programs as code (spec §1). Every version of a program is kept as uploaded
-- (its YAML text and SM3 hash) beside the key fields parsed from it; versions are never
-- changed or deleted, a change is a new version.

-- One row per program id: the head that new versions are numbered from (locked while storing).
create table program (
    program_id     text primary key check (program_id ~ '^[a-z0-9-]{3,64}$'),
    latest_version int not null check (latest_version >= 1),
    created_at     timestamptz not null
);

create table program_version (
    id                      bigint generated always as identity primary key,
    program_id              text not null references program (program_id),
    version                 int not null check (version >= 1),
    file_name               text not null check (length(file_name) between 1 and 255),
    yaml_text               text not null,
    yaml_sm3                char(64) not null check (yaml_sm3 ~ '^[0-9a-f]{64}$'),
    name                    text not null,
    funder                  text not null,
    region_prefix           text not null check (region_prefix ~ '^[0-9]{0,6}$'),
    period_start            date not null,
    period_end              date not null,
    window_start            date not null,
    window_end              date not null,
    budget_fen              bigint not null check (budget_fen >= 0),
    per_enterprise_cap_fen  bigint not null check (per_enterprise_cap_fen >= 0),
    contract_term_days_max  int not null check (contract_term_days_max >= 0),
    cap_price_at_reference  boolean not null,
    exclude_related_parties boolean not null,
    notice_working_days     int not null check (notice_working_days >= 0),
    redemption_mode         text not null check (redemption_mode in ('claim_after_payment', 'provider_deducts')),
    uploaded_by             text not null,
    uploaded_at             timestamptz not null,
    constraint program_version_number unique (program_id, version),
    -- the same text twice is the same version: re-uploading it stores nothing
    constraint program_version_text unique (program_id, yaml_sm3),
    constraint program_version_period check (period_end >= period_start),
    constraint program_version_window check (window_end >= window_start)
);

create table program_category (
    program_version_id bigint not null references program_version (id),
    position           int not null check (position >= 0),
    category           text not null check (length(category) between 1 and 64),
    ratio              numeric(6, 4) not null check (ratio > 0 and ratio <= 1),
    -- the start-up ratio of the startup_categories extension (docs/program-format.md), if any
    startup_ratio      numeric(6, 4) check (startup_ratio > 0 and startup_ratio <= 1),
    primary key (program_version_id, category),
    unique (program_version_id, position)
);

create table program_target (
    program_version_id bigint not null references program_version (id),
    position           int not null check (position >= 0),
    name               text not null,
    metric             text not null,
    goal               numeric not null check (goal >= 0),
    due                date not null,
    primary key (program_version_id, position)
);

create function program_version_is_immutable() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: a changed program is a new version', tg_table_name;
end $$;
create trigger program_version_no_change before update or delete on program_version
    for each statement execute function program_version_is_immutable();
create trigger program_category_no_change before update or delete on program_category
    for each statement execute function program_version_is_immutable();
create trigger program_target_no_change before update or delete on program_target
    for each statement execute function program_version_is_immutable();
