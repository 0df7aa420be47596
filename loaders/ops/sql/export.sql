-- Export (loaders/ops/export.py): identities from the marts, the redaction key.

-- name: identities
-- One row per profile of each identity, in identity order, with the profile's
-- emails and whether another identity uses each address too.
with shared as (
    -- addresses more than one identity uses (a list relay, a team address)
    select e.email_normalized as address
    from cppa_identity.email as e
    join cppa_identity.identity_profile as p on p.id = e.base_profile_id
    group by e.email_normalized
    having count(distinct p.identity_id) > 1
)
select i.id as identity_id, i.display_name as identity_name, p.id as profile_id, p.type,
    p.username, p.display_name,
    coalesce((select json_agg(json_build_object('email', e.email, 'is_primary', e.is_primary,
        'is_active', e.is_active,
        'shared', e.email_normalized in (select shared.address from shared))
        order by e.is_primary desc, e.id)
        from cppa_identity.email as e where e.base_profile_id = p.id), '[]') as emails
from cppa_identity.identity as i
join cppa_identity.identity_profile as p on p.identity_id = i.id
order by i.id, p.id;

-- name: redaction_key
-- The database's key for `export --redact-emails` (migration 0008).
select value from cppa_ops.settings where key = 'redaction_key';
