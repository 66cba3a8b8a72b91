-- The booking core: agencies and their staff, properties, units and their rate rules, blocks, guests, bookings,
-- payments and refunds. Every index says which query it serves.

-- Lets the exclusion constraint compare unit ids (a scalar) inside a GiST index beside the date ranges.
create extension if not exists btree_gist;

create table agencies (
    id uuid primary key,
    name text not null check (length(name) between 1 and 200),
    created_at timestamptz not null
);

create table staff_users (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    email text not null check (email = lower(email)),
    display_name text not null,
    role text not null check (role in ('Agent', 'Manager', 'Owner')),
    password_hash text not null,
    active boolean not null default true,
    failed_sign_ins integer not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null
);
-- Sign-in finds the user by email, and one email is one account.
create unique index staff_users_email on staff_users (email);
-- An owner lists the agency's staff by name.
create index staff_users_agency on staff_users (agency_id, display_name);

create table properties (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    name text not null,
    description text not null default '',
    type text not null check (type in ('Apartment', 'House', 'Villa', 'Cabin', 'Studio', 'Room')),
    address_line text not null,
    city text not null,
    country char(2) not null check (country = upper(country)),
    latitude numeric(9, 6) not null check (latitude between -90 and 90),
    longitude numeric(9, 6) not null check (longitude between -180 and 180),
    amenities text[] not null default '{}',
    photos text[] not null default '{}',
    status text not null check (status in ('Active', 'Inactive')),
    cancellation_policy text not null check (cancellation_policy in ('Flexible', 'Moderate', 'Strict')),
    currency char(3) not null,
    time_zone text not null,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
-- Staff list their agency's properties by name, a page at a time (keyset on name, id).
create index properties_agency_name on properties (agency_id, name, id);
-- Guests search active properties by city, case-insensitively.
create index properties_city on properties (lower(city), id) where status = 'Active';
-- Guests search active properties by country.
create index properties_country on properties (country, id) where status = 'Active';
-- "Has all of these amenities" (amenities @> array[...]).
create index properties_amenities on properties using gin (amenities);

create table units (
    id uuid primary key,
    property_id uuid not null references properties (id),
    agency_id uuid not null references agencies (id),
    name text not null,
    capacity integer not null check (capacity between 1 and 50),
    bedrooms integer not null check (bedrooms between 0 and 50),
    base_nightly_rate numeric(12, 2) not null check (base_nightly_rate > 0),
    cleaning_fee numeric(12, 2) not null check (cleaning_fee >= 0),
    min_nights integer not null check (min_nights >= 1),
    max_nights integer not null check (max_nights between min_nights and 365),
    active boolean not null default true,
    created_at timestamptz not null,
    updated_at timestamptz not null
);
-- Search and property details read a property's active units; the included columns spare a visit to the table.
create index units_property on units (property_id) include (capacity, base_nightly_rate, min_nights, max_nights) where active;

create table rate_rules (
    id uuid primary key,
    unit_id uuid not null references units (id),
    agency_id uuid not null references agencies (id),
    kind text not null check (kind in ('Season', 'WeekendUplift', 'StayLengthDiscount', 'Tax')),
    name text not null,
    start_date date,
    end_date date,
    nightly_price numeric(12, 2) check (nightly_price > 0),
    percent numeric(6, 2),
    min_nights integer check (min_nights >= 1),
    amount_per_guest_night numeric(12, 2) check (amount_per_guest_night >= 0),
    priority integer not null default 0,
    active boolean not null default true,
    created_at timestamptz not null,
    check (kind <> 'Season' or (start_date is not null and end_date > start_date and (nightly_price is null) <> (percent is null))),
    check (kind <> 'WeekendUplift' or percent is not null),
    check (kind <> 'StayLengthDiscount' or (min_nights is not null and percent between 0 and 100)),
    check (kind <> 'Tax' or (percent is not null or amount_per_guest_night is not null))
);
-- A quote loads its unit's active rules.
create index rate_rules_unit on rate_rules (unit_id) where active;

create table blocks (
    id uuid primary key,
    unit_id uuid not null references units (id),
    agency_id uuid not null references agencies (id),
    kind text not null check (kind in ('Owner', 'Maintenance')),
    start_date date not null,
    end_date date not null check (end_date > start_date),
    note text not null default '',
    active boolean not null default true,
    created_at timestamptz not null
);
-- Staff list a unit's blocks by date.
create index blocks_unit on blocks (unit_id, start_date);

create table guests (
    id uuid primary key,
    email text not null check (email = lower(email)),
    full_name text not null,
    phone text,
    created_at timestamptz not null
);
-- A hold finds (or adds) its guest by email, and a guest's lookup starts from it.
create unique index guests_email on guests (email);

create table bookings (
    id uuid primary key,
    reference char(8) not null,
    agency_id uuid not null references agencies (id),
    property_id uuid not null references properties (id),
    unit_id uuid not null references units (id),
    guest_id uuid not null references guests (id),
    check_in date not null,
    check_out date not null check (check_out > check_in),
    guests integer not null check (guests >= 1),
    status text not null check (status in ('Held', 'Confirmed', 'CheckedIn', 'Completed', 'Expired', 'Cancelled')),
    hold_expires_at timestamptz,
    quote jsonb not null,
    total numeric(12, 2) not null check (total >= 0),
    currency char(3) not null,
    source text not null check (source in ('Web', 'Api', 'Staff')),
    created_at timestamptz not null,
    confirmed_at timestamptz,
    checked_in_at timestamptz,
    completed_at timestamptz,
    cancelled_at timestamptz,
    expired_at timestamptz,
    check ((status = 'Held') = (hold_expires_at is not null))
);
-- A guest looks a booking up by its reference.
create unique index bookings_reference on bookings (reference);
-- Staff list bookings by stay date, newest first, a page at a time (keyset on check_in, id).
create index bookings_agency_check_in on bookings (agency_id, check_in desc, id desc);
-- The same list filtered by status.
create index bookings_agency_status on bookings (agency_id, status, check_in desc, id desc);
-- The same list filtered by property.
create index bookings_property on bookings (property_id, check_in desc, id desc);
-- The same list filtered by unit.
create index bookings_unit on bookings (unit_id, check_in desc, id desc);
-- A guest's bookings.
create index bookings_guest on bookings (guest_id);
-- The sweeper finds holds that have lapsed.
create index bookings_lapsing_holds on bookings (hold_expires_at) where status = 'Held';

-- The nights each unit has taken, by a hold, a booking or a block: one row each, deleted when the nights free up.
create table unit_occupancy (
    id bigint generated always as identity primary key,
    unit_id uuid not null references units (id),
    booking_id uuid references bookings (id),
    block_id uuid references blocks (id),
    check_in date not null,
    check_out date not null check (check_out > check_in),
    stay daterange generated always as (daterange(check_in, check_out, '[)')) stored,
    expires_at timestamptz,
    check (num_nonnulls(booking_id, block_id) = 1),
    -- The invariant: no two rows of one unit share a night. Half-open ranges let a stay end the day the next begins.
    -- Its GiST index also answers "is this unit free on these dates" for search, quotes and the calendar.
    constraint unit_occupancy_no_overlap exclude using gist (unit_id with =, stay with &&)
);
-- Freeing a booking's nights (expiry, cancellation) finds its row.
create unique index unit_occupancy_booking on unit_occupancy (booking_id) where booking_id is not null;
-- Freeing or moving a block's nights finds its row.
create unique index unit_occupancy_block on unit_occupancy (block_id) where block_id is not null;

create table payments (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    booking_id uuid not null references bookings (id),
    amount numeric(12, 2) not null check (amount > 0),
    currency char(3) not null,
    method text not null check (method in ('Card', 'BankTransfer', 'Cash')),
    status text not null check (status in ('Succeeded', 'Refunded', 'PartiallyRefunded')),
    provider_reference text,
    card_last4 char(4),
    idempotency_key text not null,
    created_at timestamptz not null
);
-- A retried payment request can never charge twice: the client's key is unique within the agency.
create unique index payments_idempotency on payments (agency_id, idempotency_key);
-- Staff list payments, newest first, a page at a time (keyset on created_at, id).
create index payments_agency_created on payments (agency_id, created_at desc, id desc);
-- A booking's payments (confirmation, cancellation).
create index payments_booking on payments (booking_id);

create table refunds (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    booking_id uuid not null references bookings (id),
    payment_id uuid not null references payments (id),
    amount numeric(12, 2) not null check (amount >= 0),
    currency char(3) not null,
    percent integer not null check (percent between 0 and 100),
    reason text not null,
    created_at timestamptz not null
);
-- One refund per cancelled booking, so a retried cancellation cannot refund twice.
create unique index refunds_booking on refunds (booking_id);

-- Requests made with an Idempotency-Key and the response they got, replayed for 24 hours.
create table idempotency_requests (
    scope text primary key,
    request_hash bytea not null,
    state text not null check (state in ('InProgress', 'Completed')),
    status_code integer,
    content_type text,
    location text,
    body bytea,
    created_at timestamptz not null,
    completed_at timestamptz
);
-- Pruning keys older than 24 hours.
create index idempotency_requests_created on idempotency_requests (created_at);

-- ASP.NET Core data protection keys, shared by every Api instance so any of them reads any bearer token.
create table data_protection_keys (
    id integer generated always as identity primary key,
    friendly_name text,
    xml text not null,
    created_at timestamptz not null default now()
);
