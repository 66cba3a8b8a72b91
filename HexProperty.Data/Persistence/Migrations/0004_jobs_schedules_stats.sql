-- Background jobs: enqueued by the Api (type, parameters, priority), claimed and run by a Worker, which reports progress
-- while it runs. A job belongs to the staff user who asked and to that user's agency.
create table jobs (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    user_id uuid not null references staff_users (id),
    type text not null,
    parameters jsonb not null,
    priority smallint not null check (priority between 0 and 9),
    status text not null check (status in ('Queued', 'Running', 'Succeeded', 'Failed', 'Cancelled')),
    rows_done bigint not null default 0,
    rows_total bigint,
    cancel_requested boolean not null default false,
    attempts integer not null default 0,
    worker text,
    heartbeat_at timestamptz,
    created_at timestamptz not null,
    started_at timestamptz,
    finished_at timestamptz,
    error text,
    -- An export's file: where the Worker wrote it, its size, its SHA-256, and when it is deleted.
    result_file text,
    result_bytes bigint,
    result_sha256 text,
    expires_at timestamptz
);
-- A Worker claims the most urgent queued job of a type it has room for (stays small: only queued rows).
create index jobs_queued on jobs (type, priority desc, created_at) where status = 'Queued';
-- A user's job history, newest first.
create index jobs_user_created on jobs (user_id, created_at desc, id desc);
-- Finding jobs whose Worker stopped reporting (requeued), and files past retention.
create index jobs_running on jobs (heartbeat_at) where status = 'Running';
create index jobs_expiring on jobs (expires_at) where result_file is not null;

-- Recurring work in the Worker. A replica runs a schedule only after moving its next_due_at forward in one update, so
-- with any number of Worker replicas each run happens once; the last run's outcome stays for the operations page.
create table schedules (
    name text primary key,
    interval_seconds integer not null check (interval_seconds > 0),
    next_due_at timestamptz not null,
    running_since timestamptz,
    running_on text,
    last_started_at timestamptz,
    last_duration_ms integer,
    last_outcome text check (last_outcome in ('Succeeded', 'Failed')),
    last_error text,
    last_detail text,
    runs bigint not null default 0,
    failures bigint not null default 0
);

-- Daily figures per property, so the agency dashboard never scans bookings: unit-nights sold and blocked, the revenue
-- of the nights sold (a booking's total spread evenly over its nights), and arrivals by status. Only days with
-- something to count have a row; nights available come from the property's active units.
create table daily_stats (
    property_id uuid not null references properties (id),
    day date not null,
    agency_id uuid not null references agencies (id),
    nights_sold integer not null,
    nights_blocked integer not null,
    revenue numeric(14, 2) not null,
    arrivals_held integer not null,
    arrivals_confirmed integer not null,
    arrivals_completed integer not null,
    arrivals_cancelled integer not null,
    arrivals_expired integer not null,
    computed_at timestamptz not null,
    primary key (property_id, day)
);
-- The dashboard reads an agency's days in a period.
create index daily_stats_agency_day on daily_stats (agency_id, day);

-- Property-days whose figures a booking or block change has made stale; the stats schedule recomputes and deletes them.
create table daily_stats_stale (
    property_id uuid not null,
    first_day date not null,
    last_day date not null,
    marked_at timestamptz not null
);

-- How often each property's details page is read, per day; the cache warmer keeps the most viewed ones cached.
create table property_views (
    property_id uuid not null references properties (id),
    day date not null,
    views bigint not null,
    primary key (property_id, day)
);
-- The warmer's query: the most viewed properties of recent days.
create index property_views_day on property_views (day);

-- Events a consumer gave up on (every attempt failed, or unreadable), kept for an operator to read and replay.
create table dead_letters (
    id uuid primary key,
    consumer text not null,
    event_id uuid,
    type text not null,
    body bytea not null,
    trace_parent text,
    attempts integer not null,
    error text not null,
    dead_at timestamptz not null,
    replayed_at timestamptz
);
-- The operator's list, newest first, optionally per consumer.
create index dead_letters_dead_at on dead_letters (dead_at desc, id desc);

-- A replayed event goes to one consumer's queue rather than to every subscriber: destination names that queue. The same
-- event may then sit in the outbox more than once, so its id is unique among exchange-bound rows only.
alter table outbox_messages add column destination text;
alter table outbox_messages drop constraint outbox_messages_id;
create unique index outbox_messages_id on outbox_messages (id) where destination is null;

-- Platform operators (the operations page, dead letters) are staff with this flag, whatever their agency role.
alter table staff_users add column operator boolean not null default false;

-- Whatever changes a booking or a block (the Api, the Worker, a hand-written fix) marks the days it touches stale, so
-- the statistics cannot silently miss a change. Rows: (property, first day, last day), old and new range on a move.
create function mark_daily_stats_stale() returns trigger language plpgsql as $$
declare
    property uuid;
begin
    if tg_table_name = 'bookings' then
        insert into daily_stats_stale values (new.property_id, new.check_in, new.check_out - 1, now());
        if tg_op = 'UPDATE' and (old.check_in, old.check_out) is distinct from (new.check_in, new.check_out) then
            insert into daily_stats_stale values (old.property_id, old.check_in, old.check_out - 1, now());
        end if;
    else
        select u.property_id into property from units u where u.id = new.unit_id;
        insert into daily_stats_stale values (property, new.start_date, new.end_date - 1, now());
        if tg_op = 'UPDATE' and (old.start_date, old.end_date) is distinct from (new.start_date, new.end_date) then
            insert into daily_stats_stale values (property, old.start_date, old.end_date - 1, now());
        end if;
    end if;
    return null;
end
$$;
create trigger bookings_daily_stats after insert or update of status, check_in, check_out, total on bookings
    for each row execute function mark_daily_stats_stale();
create trigger blocks_daily_stats after insert or update of active, start_date, end_date on blocks
    for each row execute function mark_daily_stats_stale();
