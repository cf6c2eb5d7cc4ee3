-- demo: remembers that the demo data was loaded, so that it is loaded on first start only.
create table demo_load (
    id        int primary key check (id = 1),
    loaded_at timestamptz not null
);
