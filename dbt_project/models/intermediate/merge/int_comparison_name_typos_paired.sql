-- One row per pair of anchors whose full names differ by a one-letter slip in a
-- long given name or surname ("derek homeir" / "derek homier", "christolph
-- gohlke" / "christoph gohlke"), the other word the same, or one-word names
-- of 6+ letters one letter apart ("cgholke" / "cgohlke"): the name_typo level.
-- Two words that seed name_frequencies both lists (as given names, or as
-- surnames) are two names, not a slip ("wei huang" / "wei zhang", "christian" /
-- "christina").
with

listed as (select * from {{ ref('int_comparison_values_listed') }}),

words as (
    select distinct
        token,
        kind
    from {{ ref('name_frequencies') }}
),

-- each name as two slots: the surname (5+ letters) slipped beside its given
-- name, and the given name (5+ letters) slipped beside its surname; distinct
-- names per anchor, so the cost grows with names
typo_names as (
    select
        anchor_id,
        value as name_folded,
        member_id,
        merge_member_id,
        'surname' as kind,
        split_part(value, ' ', 1) as kept,
        substring(value from '([[:alpha:]]+)$') as slipped
    from listed
    where side = 'name' and value ~ '^[[:alpha:]]+ (.* )?[[:alpha:]]{5,}$'
    union all
    select
        anchor_id,
        value,
        member_id,
        merge_member_id,
        'given',
        substring(value from '([[:alpha:]]+)$'),
        split_part(value, ' ', 1)
    from listed
    where side = 'name' and value ~ '^[[:alpha:]]{5,} (.* )?[[:alpha:]]{2,}$'
    union all
    -- a one-word name of 6+ letters slipped whole ("cgholke" / "cgohlke")
    select
        anchor_id,
        value,
        member_id,
        merge_member_id,
        'handle',
        '',
        value
    from listed
    where side = 'handle_name' and value ~ '^[[:alpha:]]{6,}$'
),

-- a one-letter deletion of the slipped word (symmetric deletes: a
-- substitution, insertion, deletion or swap of neighbours), and the word itself
typo_variants as (
    select
        typo_names.*,
        overlay(typo_names.slipped placing '' from position.n for 1) as variant
    from typo_names
    cross join lateral generate_series(1, length(typo_names.slipped)) as position (n)
    union all
    select
        typo_names.*,
        slipped
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
            a.kind = b.kind
            and a.kept = b.kept
            and a.variant = b.variant
            and a.anchor_id < b.anchor_id
            and a.slipped <> b.slipped
    left join words as word_a
        on a.slipped = word_a.token and a.kind in (word_a.kind, 'handle')
    left join words as word_b
        on b.slipped = word_b.token and b.kind in (word_b.kind, 'handle')
    where word_a.token is null or word_b.token is null
    order by a.anchor_id asc, b.anchor_id asc, a.kind desc, a.name_folded asc, b.name_folded asc
)

select * from final
