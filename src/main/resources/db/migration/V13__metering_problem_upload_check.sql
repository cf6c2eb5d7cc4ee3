-- metering: the problem lines of an upload name it through a check per statement instead of a
-- foreign key. The foreign key's check ran once per line: measured on PostgreSQL 17, 100,000
-- problem lines went in in 1.0-1.3 s with it and in 0.33-0.35 s without, and a provider's retried
-- upload of 10,000 lines writes 10,000 of them (docs/performance.md, "Metering ingestion", sixth
-- session). The one writer is UsageIngestion, in the transaction that inserted the upload; uploads
-- are never deleted, and now cannot be.
alter table metering_upload_problem drop constraint metering_upload_problem_upload_id_fkey;

create function metering_upload_problem_upload() returns trigger language plpgsql as $$
begin
    if exists (select 1 from new_problems p
               where not exists (select 1 from metering_upload u where u.id = p.upload_id)) then
        raise exception 'metering_upload_problem: a problem line names an upload that does not exist'
            using errcode = 'foreign_key_violation';
    end if;
    return null;
end $$;
create trigger metering_upload_problem_upload after insert on metering_upload_problem
    referencing new table as new_problems
    for each statement execute function metering_upload_problem_upload();

create function metering_upload_guard() returns trigger language plpgsql as $$
begin
    raise exception 'metering_upload keeps its history: upload % cannot be deleted', old.id;
end $$;
create trigger metering_upload_guard before delete on metering_upload
    for each row execute function metering_upload_guard();
