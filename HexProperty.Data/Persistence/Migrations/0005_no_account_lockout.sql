-- Five wrong passwords no longer lock an account: anyone who knew a staff email could lock its owner out for good.
-- Failed sign-ins are throttled per client address instead (the Api's rate limiter), which needs no column.
alter table staff_users drop column failed_sign_ins, drop column locked_until;
