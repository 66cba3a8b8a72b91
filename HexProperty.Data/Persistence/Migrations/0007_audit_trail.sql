-- The audit trail: every staff change to the catalogue, rates, blocks, bookings, payments, refunds and staff, written
-- in the transaction of the change (HexProperty.Data.Persistence.AuditTrail). Rows are only ever added.
create table audit_entries (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    at timestamptz not null,
    actor_id uuid not null references staff_users (id),
    actor_name text not null,
    action text not null check (action in ('Created', 'Changed', 'Deleted')),
    entity text not null,
    entity_id uuid not null,
    before jsonb,
    after jsonb
);
-- Owners page through the agency's trail, newest first (keyset on at, id).
create index audit_entries_agency_at on audit_entries (agency_id, at desc, id desc);
-- One entity's history.
create index audit_entries_entity on audit_entries (agency_id, entity_id, at desc);

alter table audit_entries enable row level security;
create policy agency_wall on audit_entries to hex_staff using (agency_id = (select hex_agency()));
-- Staff may add to the trail but never rewrite it (the owner, migrations, keep the right to housekeep).
revoke update, delete on audit_entries from hex_staff;
