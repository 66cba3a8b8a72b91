-- The process lease (an advisory lock) of the Api process running a request in progress: when that process dies,
-- another replica takes the request over at once instead of answering 409 for two minutes.
alter table idempotency_requests add column owner integer;
