-- One row per pair of identities whose names differ by a one-letter slip in a
-- long surname ("derek homeir" / "derek homier"), a weak signal for review.
with

profiles as (select * from {{ ref('int_profiles_unioned') }}),

clustered as (select * from {{ ref('int_profiles_clustered') }}),

people as (
    select
        profiles.name_folded,
        clustered.identity_id
    from profiles
    inner join clustered on profiles.base_profile_id = clustered.node_id
    where not profiles.is_not_a_person
),

-- names with the same given name whose surnames (5+ letters) share a one-letter
-- deletion (symmetric deletes: a substitution, insertion, deletion or swap of
-- neighbours); distinct names only, so the cost grows with names, not profiles
typo_names as (
    select distinct
        identity_id,
        name_folded,
        split_part(name_folded, ' ', 1) as given_name,
        substring(name_folded from '([[:alpha:]]+)$') as surname
    from people
    where name_folded ~ '^[[:alpha:]]+ (.* )?[[:alpha:]]{5,}$'
),

typo_variants as (
    select
        typo_names.identity_id,
        typo_names.name_folded,
        typo_names.given_name,
        overlay(typo_names.surname placing '' from position.n for 1) as variant
    from typo_names
    cross join lateral generate_series(1, length(typo_names.surname)) as position (n)
    union all
    select
        identity_id,
        name_folded,
        given_name,
        surname
    from typo_names
),

final as (
    select distinct
        'name_typo' as reason,
        least(a.name_folded, b.name_folded) || ' ~ ' || greatest(a.name_folded, b.name_folded)
            as value,
        least(a.identity_id, b.identity_id) as identity_a,
        greatest(a.identity_id, b.identity_id) as identity_b
    from typo_variants as a
    inner join typo_variants as b
        on
            a.given_name = b.given_name
            and a.variant = b.variant
            and a.identity_id <> b.identity_id
            and a.name_folded <> b.name_folded
)

select * from final
