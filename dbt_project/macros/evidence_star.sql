{#- CTEs `<name>_anchors` and `<name>`: the evidence that the members of a group
    (`members` rows sharing `group_column`: one address, one name, one tmp
    identity, one lock) are one person, drawn as a star on the group's smallest
    member (`member_column`; n - 1 edges, not n²). With `partition_column`
    (`members.lock_id`) one star per lock partition, so that nothing crosses a
    lock's boundary and a guarded member never cuts the others apart; a lock's
    own star (partition_column none) is one per group. `evidence` names the
    kind (default: `name`). -#}
{% macro evidence_star(
    name, members, group_column, detail,
    member_column='base_profile_id', partition_column='lock_id', evidence=none
) -%}
{{ name }}_anchors as (
    select
        {{ group_column }},
        {%- if partition_column %}
        {{ partition_column }},
        {%- endif %}
        min({{ member_column }}) as anchor_id
    from {{ members }}
    group by {{ group_column }}{% if partition_column %}, {{ partition_column }}{% endif %}
),

{{ name }} as (
    select
        {{ name }}_anchors.anchor_id as node_a,
        {{ members }}.{{ member_column }} as node_b,
        '{{ evidence or name }}' as evidence,
        {{ detail }} as detail
    from {{ members }}
    inner join {{ name }}_anchors
        on
            {{ members }}.{{ group_column }} = {{ name }}_anchors.{{ group_column }}
            {%- if partition_column %}
            and {{ members }}.{{ partition_column }} = {{ name }}_anchors.{{ partition_column }}
            {%- endif %}
    where {{ members }}.{{ member_column }} <> {{ name }}_anchors.anchor_id
)
{%- endmacro %}
