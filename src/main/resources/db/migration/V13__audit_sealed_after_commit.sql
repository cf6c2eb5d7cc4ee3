-- audit: entries sealed into the chain after their writer's commit, for writers many of which
-- commit at once (metering uploads). Such an entry goes in pending, in the writer's transaction
-- (it commits or rolls back with the write) and without the chain's lock; right after the commit
-- a sealer gives it its seq, prev_hash and hash under the lock, in a short transaction of its own
-- (AuditLog.recordSealedAfterCommit). The chain's lock was held across every such writer's commit
-- before, so their commits could not overlap (docs/performance.md, fifth session).
--
-- audit_log stays append-only but for that one change: a pending entry's seal, set once, its
-- content unchanged.
alter table audit_log add column pending boolean not null default false;
create index audit_log_pending on audit_log (id) where pending;

drop trigger audit_log_no_update on audit_log;
create function audit_log_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.pending and not new.pending
       and old.seq is null and new.seq is not null and new.prev_hash is not null and new.hash is not null
       and (new.id, new.at, new.actor, new.action, new.subject_type, new.subject_id, new.detail)
           is not distinct from (old.id, old.at, old.actor, old.action, old.subject_type, old.subject_id, old.detail) then
        return new;
    end if;
    raise exception 'audit_log is append-only';
end $$;
create trigger audit_log_no_update before update or delete on audit_log
    for each row execute function audit_log_guard();
