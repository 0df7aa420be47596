-- One row per pair of anchors whose full names differ by a one-letter slip in a
-- long surname ("derek homeir" / "derek homier"): the name_typo level. Two
-- surnames that seed name_frequencies both lists are two names, not a slip
-- ("wei huang" / "wei zhang").
with

listed as (select * from {{ ref('int_comparison_values_listed') }}),

surnames as (
    select distinct token from {{ ref('name_frequencies') }}
    where kind = 'surname'
),

-- names with the same given name whose surnames (5+ letters) share a one-letter
-- deletion (symmetric deletes: a substitution, insertion, deletion or swap of
-- neighbours); distinct names per anchor, so the cost grows with names
typo_names as (
    select
        anchor_id,
        value as name_folded,
        member_id,
        merge_member_id,
        split_part(value, ' ', 1) as given_name,
        substring(value from '([[:alpha:]]+)$') as surname
    from listed
    where side = 'name' and value ~ '^[[:alpha:]]+ (.* )?[[:alpha:]]{5,}$'
),

typo_variants as (
    select
        typo_names.*,
        overlay(typo_names.surname placing '' from position.n for 1) as variant
    from typo_names
    cross join lateral generate_series(1, length(typo_names.surname)) as position (n)
    union all
    select
        typo_names.*,
        surname
    from typo_names
),

final as (
    select distinct on (a.anchor_id, b.anchor_id)
        a.anchor_id as anchor_a,
        b.anchor_id as anchor_b,
        a.member_id as member_a,
        b.member_id as member_b,
        a.merge_member_id as merge_member_a,
        b.merge_member_id as merge_member_b,
        a.name_folded || ' ~ ' || b.name_folded as value
    from typo_variants as a
    inner join typo_variants as b
        on
            a.given_name = b.given_name
            and a.variant = b.variant
            and a.anchor_id < b.anchor_id
            and a.surname <> b.surname
    left join surnames as surname_a on a.surname = surname_a.token
    left join surnames as surname_b on b.surname = surname_b.token
    where surname_a.token is null or surname_b.token is null
    order by a.anchor_id, b.anchor_id, a.name_folded, b.name_folded
)

select * from final
