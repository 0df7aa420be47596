{{ config(indexes=[
    {'columns': ['identity_a', 'identity_b'], 'unique': true},
    {'columns': ['group_score', 'identity_a', 'score', 'identity_b']},
]) }}
-- One row per pair of identities the comparison model finds likely one person
-- (score: the match probability; reasons: its levels for and against, with
-- reason_weights their weights in bits, and match_weight their sum with the
-- prior); pairs decided "different" or dismissed are left out. group_score
-- (the best score of the pairs sharing identity_a) orders the review queue by
-- group, read off its index.
with

pairs as (select * from {{ ref('int_candidate_pairs_scored') }}),

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

seen as (select * from {{ ref('identity_candidate_snapshot') }}),

decided as (
    select
        least(node_a, node_b) as identity_a,
        greatest(node_a, node_b) as identity_b
    from decisions
    where action in ('different', 'dismiss')
),

kept as (
    select
        pairs.identity_a,
        pairs.identity_b,
        pairs.score,
        pairs.match_weight,
        pairs.reasons,
        pairs.reason_weights,
        pairs.identity_a || '-' || pairs.identity_b as candidate_id,
        seen.dbt_valid_from at time zone 'UTC' as first_seen_at
    from pairs
    inner join seen
        on pairs.identity_a = seen.identity_a and pairs.identity_b = seen.identity_b
    where not exists (
        select 1 from decided
        where decided.identity_a = pairs.identity_a and decided.identity_b = pairs.identity_b
    )
),

final as (
    select
        *,
        max(score) over (partition by identity_a) as group_score
    from kept
)

select * from final
