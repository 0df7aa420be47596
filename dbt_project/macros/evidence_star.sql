{#- CTEs `<name>_anchors` and `<name>`: the evidence that the members of a group
    (`members` rows sharing `group_column`: one address, one name, one tmp
    identity) are one person, drawn as a star on the group's smallest member
    (n - 1 edges, not n²), one star per lock partition (`members.lock_id`), so
    that nothing crosses a lock's boundary and a guarded member never cuts the
    others apart. -#}
{% macro evidence_star(name, members, group_column, detail) -%}
{{ name }}_anchors as (
    select
        {{ group_column }},
        lock_id,
        min(base_profile_id) as anchor_id
    from {{ members }}
    group by {{ group_column }}, lock_id
),

{{ name }} as (
    select
        {{ name }}_anchors.anchor_id as node_a,
        {{ members }}.base_profile_id as node_b,
        '{{ name }}' as evidence,
        {{ detail }} as detail
    from {{ members }}
    inner join {{ name }}_anchors
        on
            {{ members }}.{{ group_column }} = {{ name }}_anchors.{{ group_column }}
            and {{ members }}.lock_id = {{ name }}_anchors.lock_id
    where {{ members }}.base_profile_id <> {{ name }}_anchors.anchor_id
)
{%- endmacro %}
