-- audit: who did what and when, append-only.
create table audit_log (
    id           bigint generated always as identity primary key,
    at           timestamptz not null,
    actor        text not null,
    action       text not null,
    subject_type text not null,
    subject_id   text not null,
    detail       text
);
create index audit_log_subject on audit_log (subject_type, subject_id);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
    for each statement execute function audit_log_is_append_only();
