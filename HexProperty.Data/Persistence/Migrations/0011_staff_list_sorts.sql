-- The staff lists sort on more than their first key (the Api's KeysetSorts): each order pages on (agency, key, id),
-- read forwards or backwards, so every page of every order is an index range, however deep.
create index bookings_agency_created on bookings (agency_id, created_at, id);
create index bookings_agency_total on bookings (agency_id, total, id);
create index payments_agency_amount on payments (agency_id, amount, id);
create index properties_agency_city on properties (agency_id, city, id);
create index properties_agency_created on properties (agency_id, created_at, id);
