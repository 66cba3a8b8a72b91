-- The second tenancy wall: row-level security. A connection acting for an agency switches to the role hex_staff and
-- sets hex.agency_id (HexProperty.Data.Persistence.AgencyScope); for that role, every agency-owned table shows and
-- accepts only the agency's rows, whatever the query says. The owner (migrations, the Worker, guests' requests, which
-- act for no agency) is not subject to these policies, so their queries carry no extra condition.
-- Guests and unit_occupancy stay unwalled: a guest is one person across agencies, reached by staff only through the
-- agency's bookings, and a unit's taken nights are public (the availability calendar).

-- Roles belong to the cluster, so another database may have made it already, possibly at this very moment.
do $$
begin
    create role hex_staff nologin;
exception when duplicate_object or unique_violation then
    null;
end
$$;
grant hex_staff to current_user;

grant usage on schema public to hex_staff;
grant select, insert, update, delete on all tables in schema public to hex_staff;
grant usage, select on all sequences in schema public to hex_staff;
-- Tables later migrations add are granted too; each walls its own agency-owned table.
alter default privileges in schema public grant select, insert, update, delete on tables to hex_staff;
alter default privileges in schema public grant usage, select on sequences to hex_staff;

-- The agency, read once per statement (an InitPlan), not once per row; unset is an error, never "every agency".
create function hex_agency() returns uuid language sql stable parallel safe
    as $$ select current_setting('hex.agency_id')::uuid $$;

alter table agencies enable row level security;
create policy agency_wall on agencies to hex_staff using (id = (select hex_agency()));

do $$
declare
    t text;
begin
    foreach t in array array['staff_users', 'properties', 'units', 'rate_rules', 'blocks', 'bookings', 'payments',
                             'refunds', 'jobs', 'notifications', 'daily_stats']
    loop
        execute format('alter table %I enable row level security', t);
        -- "using" serves reads, updates and deletes; without "with check", it also checks what is written.
        execute format('create policy agency_wall on %I to hex_staff using (agency_id = (select hex_agency()))', t);
    end loop;
end
$$;
