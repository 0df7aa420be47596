-- The key of `export --redact-emails`: a keyed hash (HMAC-SHA256) stands for each
-- address, so that nobody holding an export can confirm a guessed address by
-- hashing it. One random key per database (two UUIDs v4: 244 random bits from
-- the server's strong source); `export --redact-key` gives another.
insert into cppa_ops.settings (key, value)
values ('redaction_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
on conflict (key) do nothing;
