-- Integration events are written in the transaction of the change that causes them (a transactional outbox): the
-- event exists if and only if the change does. The Api's relay publishes them to RabbitMQ in sequence order, with
-- publisher confirms, and marks them sent; sent rows are pruned after a retention period.
create table outbox_messages (
    sequence bigint generated always as identity primary key,
    id uuid not null,
    type text not null,
    payload jsonb not null,
    trace_parent text,
    trace_state text,
    occurred_at timestamptz not null,
    sent_at timestamptz,
    attempts int not null default 0,
    last_error text,
    constraint outbox_messages_id unique (id)
);
-- The relay's one query: the oldest pending events, in order (stays small: only unsent rows).
create index outbox_messages_pending on outbox_messages (sequence) where sent_at is null;
-- Pruning sent events by age.
create index outbox_messages_sent on outbox_messages (sent_at) where sent_at is not null;

-- Each consumer's inbox: the events it has handled, written in the handler's transaction, so a redelivered event
-- (after a crash between commit and ack, or a publisher retry) is acknowledged without running again.
create table inbox_messages (
    consumer text not null,
    event_id uuid not null,
    handled_at timestamptz not null,
    primary key (consumer, event_id)
);
-- Pruning handled ids by age.
create index inbox_messages_handled on inbox_messages (handled_at);

-- What staff see in their notification list; written by the Worker's handlers, one row per staff user.
create table notifications (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    user_id uuid not null references staff_users (id),
    kind text not null,
    title text not null,
    body text not null,
    booking_id uuid references bookings (id),
    event_id uuid not null,
    created_at timestamptz not null,
    read_at timestamptz,
    -- One notification of a kind per user per event, whatever the delivery count.
    constraint notifications_user_event unique (user_id, event_id, kind)
);
-- A user's list, newest first.
create index notifications_user_created on notifications (user_id, created_at desc);
