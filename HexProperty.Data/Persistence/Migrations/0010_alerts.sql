-- Alerts Alertmanager sent (Prometheus' rules fired), kept for operators: what is firing now, and the history of what
-- fired, when it resolved and who acknowledged it. One row per alert episode: Alertmanager's fingerprint (the alert's
-- labels) and the time it started; a redelivery of the same episode updates that row.
create table alerts (
    id uuid primary key,
    fingerprint text not null,
    name text not null,
    severity text not null,
    summary text not null,
    labels jsonb not null,
    status text not null check (status in ('firing', 'resolved')),
    starts_at timestamptz not null,
    resolved_at timestamptz,
    received_at timestamptz not null,
    updated_at timestamptz not null,
    acknowledged_by uuid references staff_users (id),
    acknowledged_at timestamptz,
    unique (fingerprint, starts_at)
);
-- The page's two lists, newest first: the history, and what fires now.
create index alerts_history on alerts (starts_at desc, id desc);
create index alerts_firing on alerts (starts_at desc, id desc) where status = 'firing';
