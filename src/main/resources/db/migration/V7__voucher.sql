-- voucher: the online life of a compute voucher (算力券). Contracts uploaded from outside the
-- platform, applications (申领) with maker-checker review, reservations on the ledger,
-- redemptions (兑付) on metered usage with invoice numbers, 公示 with a working-day calendar and
-- public objections, disbursement batches with a bank file, clawbacks (追回), and API requests
-- made idempotent. The money itself lives in the ledger; the rows here say why it moved.
-- See docs/vouchers.md.

-- One row per program that has had money: the lock every decision of the program takes first
-- (so that budget and caps are read and changed by one decision at a time), and how much of
-- the program's budget has been appropriated to its ledger pool so far.
create table voucher_program (
    program_id          text primary key check (program_id ~ '^[a-z0-9-]{3,64}$'),
    appropriated_fen    bigint not null check (appropriated_fen >= 0),
    appropriated_version int not null check (appropriated_version >= 1),
    updated_at          timestamptz not null
);

-- Documents of contracts signed outside the platform: stored once per content (SHA-256).
create table voucher_document (
    sha256      char(64) primary key check (sha256 ~ '^[0-9a-f]{64}$'),
    media_type  text not null check (media_type in ('application/pdf', 'image/png', 'image/jpeg')),
    size_bytes  int not null check (size_bytes between 1 and 10485760),
    content     bytea not null,
    uploaded_by text not null,
    uploaded_at timestamptz not null,
    constraint voucher_document_size check (octet_length(content) = size_bytes)
);

-- Contracts signed outside the platform, in the shape of spec §2 contracts.csv. Their ids never
-- collide with the pool's (PC…): UC<year>-<number>.
create sequence voucher_contract_number;
create table voucher_contract (
    contract_id     text primary key check (contract_id ~ '^UC[0-9]{4}-[0-9]{6}$'),
    enterprise_uscc text not null references organisation (uscc),
    provider_uscc   text not null references organisation (uscc),
    external_ref    text check (length(external_ref) between 1 and 64),
    signed_on       date not null,
    start_on        date not null,
    end_on          date not null,
    document_sha256 char(64) not null references voucher_document (sha256),
    document_name   text not null check (length(document_name) between 1 and 255),
    created_by      text not null,
    created_at      timestamptz not null,
    constraint voucher_contract_term check (end_on >= start_on),
    constraint voucher_contract_parties check (enterprise_uscc <> provider_uscc)
);
create index voucher_contract_enterprise on voucher_contract (enterprise_uscc, signed_on);

create table voucher_contract_line (
    contract_id         text not null references voucher_contract (contract_id),
    sku                 text not null check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    unit_price_fen      bigint not null check (unit_price_fen between 0 and 100000000000),
    quantity_max_micros bigint not null check (quantity_max_micros > 0),
    primary key (contract_id, sku)
);

-- 申领: one application of an enterprise for a voucher covering one contract.
-- stage: pending (eligible, waits for a reviewer) -> prepared (a reviewer recommends) ->
-- decided (status approved / partial / rejected). An application the rules find ineligible at
-- submission is decided at once (status rejected, decided_by 'rules').
create sequence voucher_application_number;
create table voucher_application (
    id                   text primary key check (id ~ '^VA[0-9]{4}-[0-9]{6}$'),
    program_id           text not null references program (program_id),
    program_version      int not null,
    enterprise_uscc      text not null,
    contract_id          text not null,
    provider_uscc        text,
    contract_source      text not null check (contract_source in ('pool', 'upload', 'none')),
    submitted_at         timestamptz not null,
    submitted_by         text not null,
    stage                text not null check (stage in ('pending', 'prepared', 'decided')),
    status               text check (status in ('approved', 'partial', 'rejected')),
    eligibility_reasons  text not null default '',
    request_fen          bigint not null default 0 check (request_fen >= 0),
    recommendation       text check (recommendation in ('approve', 'reject')),
    prepared_by          text,
    prepared_at          timestamptz,
    prepare_note         text check (length(prepare_note) <= 2000),
    decided_by           text,
    decided_at           timestamptz,
    decision_note        text check (length(decision_note) <= 2000),
    reasons              text not null default '',
    reservation_fen      bigint not null default 0 check (reservation_fen >= 0),
    -- the voucher an approved application is: what is left of its reservation, what has been
    -- granted on it (net of grants taken back), the pending ledger transfer holding the rest
    left_fen             bigint not null default 0 check (left_fen >= 0),
    granted_fen          bigint not null default 0 check (granted_fen >= 0),
    pending_transfer_id  uuid,
    closed               boolean not null default false,
    -- maker-checker: the one who prepared may not decide
    constraint voucher_application_maker_checker check (prepared_by is null or decided_by is null
                                                        or prepared_by <> decided_by),
    constraint voucher_application_stage check (
        (stage = 'pending' and status is null and prepared_by is null and decided_by is null)
        or (stage = 'prepared' and status is null and prepared_by is not null and recommendation is not null
            and decided_by is null)
        or (stage = 'decided' and status is not null and decided_by is not null and decided_at is not null)),
    constraint voucher_application_reservation check (
        (status in ('approved', 'partial') and reservation_fen > 0) or (status is distinct from 'approved'
            and status is distinct from 'partial' and reservation_fen = 0 and left_fen = 0 and granted_fen = 0)),
    constraint voucher_application_left check (left_fen + granted_fen <= reservation_fen)
);
-- spec §5 DUPLICATE_APPLICATION, held by the database: a contract is vouchered at most once on
-- the whole platform
create unique index voucher_application_one_voucher on voucher_application (contract_id)
    where status in ('approved', 'partial');
create index voucher_application_enterprise on voucher_application (enterprise_uscc, submitted_at);
create index voucher_application_queue on voucher_application (stage, submitted_at) where stage <> 'decided';
create index voucher_application_program on voucher_application (program_id, status);
create index voucher_application_provider on voucher_application (provider_uscc) where provider_uscc is not null;

-- 兑付: a claim of the subsidy on the metered usage of [period_from, period_to].
-- stage: pending -> prepared -> decided; an approved or partial one goes to 公示 (notice) and,
-- when its window has passed with no objection upheld, to a disbursement batch (paid).
create sequence voucher_redemption_number;
create table voucher_redemption (
    id               text primary key check (id ~ '^VR[0-9]{4}-[0-9]{6}$'),
    application_id   text not null references voucher_application (id),
    program_id       text not null references program (program_id),
    enterprise_uscc  text not null,
    payee_uscc       text not null,
    mode             text not null check (mode in ('claim_after_payment', 'provider_deducts')),
    filed_by         text not null,
    submitted_at     timestamptz not null,
    period_from      date not null,
    period_to        date not null,
    final            boolean not null,
    stage            text not null check (stage in ('pending', 'prepared', 'decided', 'notice', 'paid')),
    status           text check (status in ('approved', 'partial', 'rejected')),
    raw_fen          bigint not null default 0 check (raw_fen >= 0),
    subsidy_fen      bigint not null default 0 check (subsidy_fen >= 0),
    reasons          text not null default '',
    recommendation   text check (recommendation in ('approve', 'reject')),
    prepared_by      text,
    prepared_at      timestamptz,
    prepare_note     text check (length(prepare_note) <= 2000),
    decided_by       text,
    decided_at       timestamptz,
    decision_note    text check (length(decision_note) <= 2000),
    notice_from      date,
    notice_until     date,
    paid_fen         bigint not null default 0 check (paid_fen >= 0),
    clawed_back_fen  bigint not null default 0 check (clawed_back_fen >= 0),
    disbursement_id  bigint,
    constraint voucher_redemption_period check (period_to >= period_from),
    constraint voucher_redemption_maker_checker check (prepared_by is null or decided_by is null
                                                       or prepared_by <> decided_by),
    constraint voucher_redemption_notice check (stage not in ('notice', 'paid')
                                                or (notice_until is not null and subsidy_fen > 0)),
    constraint voucher_redemption_paid check (paid_fen <= subsidy_fen and clawed_back_fen <= paid_fen),
    constraint voucher_redemption_decided check ((stage in ('pending', 'prepared')) = (status is null))
);
create index voucher_redemption_application on voucher_redemption (application_id, submitted_at);
create index voucher_redemption_queue on voucher_redemption (stage, submitted_at) where stage in ('pending', 'prepared');
create index voucher_redemption_notice on voucher_redemption (notice_until) where stage = 'notice';

-- Invoice numbers of redemptions. A number counts once on the whole platform, across programs,
-- compared in a normalised form (upper case, no spaces or dashes, full-width folded); a
-- redemption that is rejected gives its numbers back.
create table voucher_invoice (
    id             bigint generated always as identity primary key,
    redemption_id  text not null references voucher_redemption (id),
    number         text not null check (length(number) between 1 and 64),
    normalised     text not null check (normalised ~ '^[0-9A-Z]{1,64}$'),
    active         boolean not null default true
);
create unique index voucher_invoice_once on voucher_invoice (normalised) where active;
create index voucher_invoice_redemption on voucher_invoice (redemption_id);

-- The usage events a decided redemption counted, with the amount and category they counted for.
-- An event counts at most once on the whole platform.
create table voucher_redemption_usage (
    usage_id      bigint primary key,
    redemption_id text not null references voucher_redemption (id),
    event_id      text not null,
    sku           text not null,
    category      text not null,
    amount_fen    bigint not null check (amount_fen >= 0)
);
create index voucher_redemption_usage_redemption on voucher_redemption_usage (redemption_id);

-- The working-day calendar of 公示: a date without a row is a working day from Monday to
-- Friday and a rest day at the weekend; a row overrides that (public holidays, 调休 weekends).
create table voucher_calendar_day (
    day        date primary key,
    working    boolean not null,
    note       text check (length(note) <= 100),
    updated_by text not null,
    updated_at timestamptz not null
);

-- Objections (异议) filed by anyone against an item in 公示. An open objection holds the item.
create table voucher_objection (
    id             bigint generated always as identity primary key,
    redemption_id  text not null references voucher_redemption (id),
    name           text check (length(name) between 1 and 100),
    contact        text not null check (length(contact) between 3 and 200),
    text           text not null check (length(text) between 10 and 2000),
    filed_at       timestamptz not null,
    source_hash    char(64) not null,
    state          text not null check (state in ('open', 'upheld', 'dismissed')),
    resolved_by    text,
    resolved_at    timestamptz,
    resolution     text check (length(resolution) <= 2000),
    constraint voucher_objection_resolved check ((state = 'open') = (resolved_by is null))
);
create index voucher_objection_redemption on voucher_objection (redemption_id, state);
create index voucher_objection_source on voucher_objection (source_hash, filed_at);

-- Payee bank accounts for the bank file (demo data; optional).
create table voucher_bank_account (
    uscc       text primary key references organisation (uscc),
    bank_name  text not null check (length(bank_name) between 1 and 100),
    account_no text not null check (account_no ~ '^[0-9]{8,32}$'),
    updated_at timestamptz not null
);

-- Disbursement batches: the payments of redemptions whose 公示 has passed, posted on the
-- ledger, and the bank payment file they produced (kept byte for byte).
create table voucher_disbursement (
    id          bigint generated always as identity primary key,
    program_id  text not null references program (program_id),
    value_date  date not null,
    created_by  text not null,
    created_at  timestamptz not null,
    line_count  int not null check (line_count >= 1),
    gross_fen   bigint not null check (gross_fen > 0),
    offset_fen  bigint not null check (offset_fen >= 0),
    net_fen     bigint not null check (net_fen >= 0),
    bank_file   text not null,
    bank_file_sha256 char(64) not null,
    constraint voucher_disbursement_sum check (gross_fen = offset_fen + net_fen)
);

create table voucher_disbursement_line (
    disbursement_id bigint not null references voucher_disbursement (id),
    redemption_id   text not null unique references voucher_redemption (id),
    payee_uscc      text not null,
    gross_fen       bigint not null check (gross_fen > 0),
    offset_fen      bigint not null check (offset_fen >= 0),
    net_fen         bigint not null check (net_fen >= 0),
    reference       text not null,
    primary key (disbursement_id, redemption_id),
    constraint voucher_disbursement_line_sum check (gross_fen = offset_fen + net_fen)
);

-- 追回: money an enterprise must pay back on a paid redemption; a receivable on the ledger,
-- offset against its later subsidies in the same program.
create table voucher_clawback (
    id              bigint generated always as identity primary key,
    redemption_id   text not null references voucher_redemption (id),
    program_id      text not null references program (program_id),
    enterprise_uscc text not null,
    amount_fen      bigint not null check (amount_fen > 0),
    reason          text not null check (length(reason) between 2 and 2000),
    value_date      date not null,
    recorded_by     text not null,
    recorded_at     timestamptz not null
);
create index voucher_clawback_enterprise on voucher_clawback (program_id, enterprise_uscc);

-- Every movement of a program's money, as the dashboard counts it (the ledger holds the
-- transfers; this says which enterprise, district and category they were for).
create table voucher_movement (
    id              bigint generated always as identity primary key,
    program_id      text not null,
    value_date      date not null,
    kind            text not null check (kind in ('reserve', 'release', 'grant', 'ungrant', 'pay', 'offset',
                                                  'clawback')),
    enterprise_uscc text not null,
    region_code     text not null,
    category        text,
    amount_fen      bigint not null check (amount_fen > 0),
    source_id       text not null
);
create index voucher_movement_program on voucher_movement (program_id, value_date);

-- API requests under an Idempotency-Key: the key, a digest of the request and the answer given,
-- stored in the same transaction as the request's effect.
create table voucher_api_request (
    actor           text not null,
    idempotency_key text not null check (length(idempotency_key) between 1 and 128),
    request_sha256  char(64) not null,
    status          int,
    response        text,
    created_at      timestamptz not null,
    primary key (actor, idempotency_key)
);

create function voucher_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only', tg_table_name;
end $$;
create trigger voucher_contract_append_only before update or delete on voucher_contract
    for each statement execute function voucher_append_only();
create trigger voucher_contract_line_append_only before update or delete on voucher_contract_line
    for each statement execute function voucher_append_only();
create trigger voucher_document_append_only before update or delete on voucher_document
    for each statement execute function voucher_append_only();
create trigger voucher_movement_append_only before update or delete on voucher_movement
    for each statement execute function voucher_append_only();
create trigger voucher_disbursement_append_only before update or delete on voucher_disbursement
    for each statement execute function voucher_append_only();
create trigger voucher_disbursement_line_append_only before update or delete on voucher_disbursement_line
    for each statement execute function voucher_append_only();
create trigger voucher_clawback_append_only before update or delete on voucher_clawback
    for each statement execute function voucher_append_only();
create trigger voucher_redemption_usage_append_only before update or delete on voucher_redemption_usage
    for each statement execute function voucher_append_only();

-- Chinese public holidays and the weekends worked in exchange (调休), 2025 and 2026, from the
-- State Council's notices (国办发明电〔2024〕12号, 〔2025〕7号). The program office edits the rest.
insert into voucher_calendar_day (day, working, note, updated_by, updated_at)
select d::date, false, n, 'system', now()
from (values
    ('2025-01-01', '元旦'),
    ('2025-01-28', '春节'), ('2025-01-29', '春节'), ('2025-01-30', '春节'), ('2025-01-31', '春节'),
    ('2025-02-01', '春节'), ('2025-02-02', '春节'), ('2025-02-03', '春节'), ('2025-02-04', '春节'),
    ('2025-04-04', '清明节'), ('2025-04-05', '清明节'), ('2025-04-06', '清明节'),
    ('2025-05-01', '劳动节'), ('2025-05-02', '劳动节'), ('2025-05-03', '劳动节'), ('2025-05-04', '劳动节'),
    ('2025-05-05', '劳动节'),
    ('2025-05-31', '端午节'), ('2025-06-01', '端午节'), ('2025-06-02', '端午节'),
    ('2025-10-01', '国庆节、中秋节'), ('2025-10-02', '国庆节、中秋节'), ('2025-10-03', '国庆节、中秋节'),
    ('2025-10-04', '国庆节、中秋节'), ('2025-10-05', '国庆节、中秋节'), ('2025-10-06', '国庆节、中秋节'),
    ('2025-10-07', '国庆节、中秋节'), ('2025-10-08', '国庆节、中秋节'),
    ('2026-01-01', '元旦'), ('2026-01-02', '元旦'), ('2026-01-03', '元旦'),
    ('2026-02-15', '春节'), ('2026-02-16', '春节'), ('2026-02-17', '春节'), ('2026-02-18', '春节'),
    ('2026-02-19', '春节'), ('2026-02-20', '春节'), ('2026-02-21', '春节'), ('2026-02-22', '春节'),
    ('2026-02-23', '春节'),
    ('2026-04-04', '清明节'), ('2026-04-05', '清明节'), ('2026-04-06', '清明节'),
    ('2026-05-01', '劳动节'), ('2026-05-02', '劳动节'), ('2026-05-03', '劳动节'), ('2026-05-04', '劳动节'),
    ('2026-05-05', '劳动节'),
    ('2026-06-19', '端午节'), ('2026-06-20', '端午节'), ('2026-06-21', '端午节'),
    ('2026-09-25', '中秋节'), ('2026-09-26', '中秋节'), ('2026-09-27', '中秋节'),
    ('2026-10-01', '国庆节'), ('2026-10-02', '国庆节'), ('2026-10-03', '国庆节'), ('2026-10-04', '国庆节'),
    ('2026-10-05', '国庆节'), ('2026-10-06', '国庆节'), ('2026-10-07', '国庆节')
) as h(d, n);

insert into voucher_calendar_day (day, working, note, updated_by, updated_at)
select d::date, true, n, 'system', now()
from (values
    ('2025-01-26', '春节调休上班'), ('2025-02-08', '春节调休上班'), ('2025-04-27', '劳动节调休上班'),
    ('2025-09-28', '国庆节调休上班'), ('2025-10-11', '国庆节调休上班'),
    ('2026-01-04', '元旦调休上班'), ('2026-02-14', '春节调休上班'), ('2026-02-28', '春节调休上班'),
    ('2026-05-09', '劳动节调休上班'), ('2026-09-20', '国庆节调休上班'), ('2026-10-10', '国庆节调休上班')
) as w(d, n);
