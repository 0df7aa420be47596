-- One row per link the comparison model draws: a pair of anchors whose merge
-- probability (agreements whose carriers may give automatic evidence, and every
-- disagreement) reaches var('match_threshold'), between those carriers.
-- var('name_merge'): 'off' draws none, 'all' any pair sharing a full name.
-- var('name_join_policy'): under 'second_signal', a pair where a side holds a
-- platform account or a declared identity needs two comparisons that agree (a
-- name and a login, or an address's local part); a name or handle alone, which
-- anyone can claim, leaves it a candidate. 'name_alone' (the default) asks for
-- the probability only.
{%- set policy = var('name_join_policy') %}
{%- if policy not in ['second_signal', 'name_alone'] %}
    {{ exceptions.raise_compiler_error(
        "var name_join_policy must be second_signal or name_alone, not " ~ policy
    ) }}
{%- endif %}
{%- set name_merge = var('name_merge') %}
with

pairs as (select * from {{ ref('int_comparison_pairs_scored') }}),

kept as (
    select *
    from pairs
    where
        node_a <> node_b
        and case '{{ name_merge }}'
            when 'all'
                then exists (
                    select 1 from unnest(pairs.levels) as level (detail)
                    where level.detail like 'same\_name: % % (%'
                )
            when 'distinctive' then pairs.merge_probability >= {{ var('match_threshold') }}
            else false
        end
        and (
            '{{ policy }}' = 'name_alone'
            or not pairs.is_verified
            or pairs.merge_agreement_count >= 2
        )
),

final as (
    select
        'p=' || merge_probability || ': ' || array_to_string(levels, '; ') as detail,
        least(node_a, node_b) as node_a,
        greatest(node_a, node_b) as node_b
    from kept
)

select * from final
