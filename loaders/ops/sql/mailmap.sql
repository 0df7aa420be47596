-- .mailmap import (loaders/ops/mailmap.py). {address_key} is values.email_key_sql
-- of the address a profile holds now (cppa_raw.current_emails): the one rule for
-- "the same address".

-- name: same_decisions
-- "same" decisions in the order given, through the owner's function (which
-- checks the ids and the batch's login), one statement for all.
select d.decision_id
from unnest(%s::bigint [], %s::bigint [], %s::text []) with ordinality as t (a, b, reason, ord)
cross join lateral cppa_ops.record_decision(
    'same', t.a, t.b, null, null, t.reason, %s, %s, %s) as d
order by t.ord;

-- name: holders_of
-- The profiles that hold each of some addresses (compared as address_holders).
select distinct {address_key}, held.base_profile_id from cppa_raw.current_emails as held
where {address_key} = any(%s::text []);

-- name: address_holders
-- The profiles that hold an address now, whatever their name (git compares
-- addresses without regard to case).
select distinct held.base_profile_id from cppa_raw.current_emails as held
where {address_key} = %s
order by 1;
