-- identity: people who sign in, their role, the organisation they act for, and API tokens.
create table app_user (
    id            bigint generated always as identity primary key,
    username      text not null unique check (username ~ '^[a-z0-9._-]{3,64}$'),
    password_hash text not null,
    display_name  text not null,
    role          text not null check (role in ('PROGRAM_OFFICE','REVIEWER','APPROVER','ENTERPRISE','PROVIDER','AUDITOR')),
    org_uscc      char(18),
    enabled       boolean not null default true,
    created_at    timestamptz not null,
    -- enterprise and provider users act for exactly one organisation; staff for none
    constraint user_org_by_role check ((role in ('ENTERPRISE','PROVIDER')) = (org_uscc is not null))
);

create table api_token (
    id          bigint generated always as identity primary key,
    user_id     bigint not null references app_user(id),
    name        text not null,
    token_sha256 char(64) not null unique,
    created_at  timestamptz not null,
    last_used_at timestamptz,
    revoked_at  timestamptz
);
