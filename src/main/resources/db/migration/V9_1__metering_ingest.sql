-- Metering, faster ingestion (see docs/performance.md, "Metering ingestion").
--
-- Row CHECKs on usage_event cost every stored event; the ones below move to where they cost less:
-- the event id's length and the units' sign are checked by the parser on the way in (every path
-- into usage_event goes through UsageParsing), and the rules on what an UPDATE may do (count only
-- accepted, undisputed events; dispute only accepted ones) move into the update trigger, which
-- runs on the rare updates only and never on the insert path.
alter table usage_event drop constraint usage_event_event_id_check;
alter table usage_event drop constraint usage_event_units_check;
alter table usage_event drop constraint usage_event_counted;
alter table usage_event drop constraint usage_event_disputed;

create or replace function usage_event_guard() returns trigger language plpgsql as $$
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
    if new.counted_by is not null and (new.status <> 'accepted' or new.disputed) then
        raise exception 'usage event % counts only while accepted and undisputed', old.usage_id;
    end if;
    if new.disputed and new.status <> 'accepted' then
        raise exception 'usage event % can be disputed only while accepted', old.usage_id;
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

-- Room for the total's new version on its page: updates of metering_line stay HOT (no index
-- entries). Applies to pages written from now on.
alter table metering_line set (fillfactor = 50);
