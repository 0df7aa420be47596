-- One row per pair of identities linked only by weak evidence (never merged),
-- scored for review: each reason has a weight (seed candidate_reasons) and the
-- score is 1 - prod(1 - weight) over the pair's distinct reasons.
with

signals as (select * from {{ ref('int_candidate_signals_listed') }}),

typos as (select * from {{ ref('int_candidate_name_typos_paired') }}),

reasons as (select * from {{ ref('candidate_reasons') }}),

-- which sides pair: like with like for names, core names and logins; a core
-- name with a full name; a login with a one-word name; a local part, squashed
-- name or initial + surname with a handle
pairs as (
    select
        reason,
        value,
        identity_a,
        identity_b
    from typos
    union all
    select
        a.reason,
        a.value,
        least(a.identity_id, b.identity_id) as identity_a,
        greatest(a.identity_id, b.identity_id) as identity_b
    from signals as a
    inner join signals as b
        on
            a.value = b.value
            and a.reason = b.reason
            and a.identity_id <> b.identity_id
            and (
                (a.side = b.side and a.side in ('name', 'core', 'login'))
                or (a.side = 'core' and b.side = 'core_full')
                or (a.side = 'core_full' and b.side = 'core')
                or (a.side = 'login' and b.side = 'handle_name')
                or (a.side = 'handle_name' and b.side = 'login')
                or (a.side in ('local', 'squashed', 'initial_surname') and b.side = 'handle')
            )
),

final as (
    select
        pairs.identity_a,
        pairs.identity_b,
        round((1 - exp(sum(ln(1 - reasons.weight))))::numeric, 3) as score,
        array_agg(pairs.reason || ': ' || pairs.value order by pairs.reason, pairs.value)
            as reasons
    from (select distinct * from pairs) as pairs
    inner join reasons on pairs.reason = reasons.reason
    group by pairs.identity_a, pairs.identity_b
)

select * from final
