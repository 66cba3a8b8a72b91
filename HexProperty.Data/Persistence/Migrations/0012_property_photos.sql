-- Property photos. Staff upload an original; the Worker (a "photo" job) turns it into WebP images of fixed widths and a
-- fixed 3:2 frame, so every page knows a photo's dimensions before it loads (no layout shift). Images are stored by the
-- SHA-256 of their original: the same picture uploaded twice is processed and stored once, and its address never
-- changes, so it is served with an immutable cache lifetime. Every replica reads them here, with nothing to share on disk.
create table images (
    sha256 text primary key check (sha256 ~ '^[0-9a-f]{64}$'),
    original_bytes integer not null check (original_bytes > 0),
    original_width integer not null check (original_width > 0),
    original_height integer not null check (original_height > 0),
    created_at timestamptz not null
);
create table image_variants (
    sha256 text not null references images (sha256) on delete cascade,
    width integer not null check (width > 0),
    height integer not null check (height > 0),
    bytes bytea not null,
    primary key (sha256, width)
);
create table photos (
    id uuid primary key,
    agency_id uuid not null references agencies (id),
    property_id uuid not null references properties (id),
    position integer not null,
    status text not null check (status in ('Processing', 'Ready', 'Failed')),
    -- The upload until the Worker has made its images; then null (the images keep what is served).
    original bytea,
    original_bytes integer not null check (original_bytes > 0),
    sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
    error text,
    -- The Worker's lease: a photo claimed longer ago than the lease (its Worker died) is claimed again.
    claimed_at timestamptz,
    attempts integer not null default 0,
    created_at timestamptz not null,
    -- The same picture twice on one property is one photo (an upload retried after a lost answer, for one).
    unique (property_id, sha256)
);
create index photos_property on photos (property_id, position, id);
create index photos_processing on photos (created_at) where status = 'Processing';
alter table photos enable row level security;
create policy agency_wall on photos to hex_staff using (agency_id = (select hex_agency()));

-- properties.photos now lists the property's ready images (their SHA-256), in order, as the Worker and the Api keep it:
-- staff no longer type photo addresses, so the old addresses (never served by anyone) go.
update properties set photos = '{}';
