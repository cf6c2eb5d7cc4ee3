-- metering: each stored event names its provider by a small number instead of the 18-character
-- credit code (measured in docs/performance.md, "Metering ingestion", fourth session). The unique
-- key (provider, event_id) that decides duplicates compares an int before the event id, its
-- index entries shrink from 48 to 32 bytes, and the event row by 15 bytes: about 48 bytes less
-- WAL and 0.7 µs less PostgreSQL CPU for every stored event.
--
-- A provider gets its number the first time it stores an event, under its ingestion lock
-- (UsageIngestion), and keeps it. usage_event.provider_no has no foreign key: a foreign key is
-- a lookup per stored event, which is what this change takes away; the only writer of the column
-- takes the number from this table in the same transaction.
create table metering_provider (
    provider_no   int generated always as identity primary key,
    provider_uscc text collate "C" not null unique references organisation (uscc)
);

insert into metering_provider (provider_uscc)
select provider_uscc from usage_event group by provider_uscc order by provider_uscc;

alter table usage_event add column provider_no int;
alter table usage_event disable trigger usage_event_guard;
update usage_event e set provider_no = p.provider_no
from metering_provider p where p.provider_uscc = e.provider_uscc;
alter table usage_event enable trigger usage_event_guard;

alter table usage_event alter column provider_no set not null;
alter table usage_event drop constraint usage_event_once;
-- spec §4.1 online: one event per (provider, event id), ever
alter table usage_event add constraint usage_event_once unique (provider_no, event_id);
alter table usage_event drop column provider_uscc;

create or replace function usage_event_guard() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'usage_event keeps its evidence: event % cannot be deleted', old.usage_id;
    end if;
    if (new.usage_id, new.line_no, new.provider_no, new.event_id, new.contract_id, new.sku, new.units, new.quantity_micros,
        new.start_ns, new.end_ns, new.adjusts_event_id, new.amount_fen)
       is distinct from
       (old.usage_id, old.line_no, old.provider_no, old.event_id, old.contract_id, old.sku, old.units, old.quantity_micros,
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
