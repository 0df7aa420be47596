-- One row per pair of identities the comparison model finds likely one person
-- (match probability from var('candidate_threshold') up) but that did not
-- merge: a pair below var('match_threshold'), one the name policy or a contested
-- profile kept apart, or one a cut parted. Of the anchor pairs joining two
-- identities, the likeliest speaks for them: its probability is the score, its
-- levels (agreeing and disagreeing) and their weights in bits are the reasons.
with

pairs as (select * from {{ ref('int_comparison_pairs_scored') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

between_identities as (
    select
        pairs.*,
        least(clustered_a.identity_id, clustered_b.identity_id) as identity_a,
        greatest(clustered_a.identity_id, clustered_b.identity_id) as identity_b
    from pairs
    inner join clustered as clustered_a on pairs.anchor_a = clustered_a.node_id
    inner join clustered as clustered_b on pairs.anchor_b = clustered_b.node_id
    where
        pairs.match_probability >= {{ var('candidate_threshold') }}
        and clustered_a.identity_id <> clustered_b.identity_id
),

final as (
    select distinct on (identity_a, identity_b)
        identity_a,
        identity_b,
        match_weight,
        levels as reasons,
        weights as reason_weights,
        round(match_probability, 3) as score
    from between_identities
    order by identity_a asc, identity_b asc, match_probability desc, anchor_a asc, anchor_b asc
)

select * from final
