-- A quote loads its unit's rules, and staff list all of a unit's rules, active or not: the partial index of 0001
-- (where active) served neither query once EF loaded rules by unit alone, and quotes fell back to a sequential scan
-- of every rule (39 ms per quote on the large data set). One plain index serves both.
drop index rate_rules_unit;
create index rate_rules_unit on rate_rules (unit_id);
