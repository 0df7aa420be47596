{#-
  Connected components, set-based: each round every node hooks onto its
  smallest neighbour, pointer jumping flattens the hooks to roots, and the
  edge list is contracted onto the roots. Rounds grow with log(size), not with
  the length of a chain; the loop stops when no edge is left and raises if that
  has not happened after `max_rounds` (convergence is asserted, not assumed).

  Input: the text of a query returning (node_a, node_b). Output: one row per node
  that appears in an edge, with component_id = the smallest node id of its
  component, plus the rounds and pointer jumps it took.
-#}
{% macro create_connected_components_function() %}
create schema if not exists {{ target.schema }};
create or replace function {{ target.schema }}.connected_components(
    edges_sql text, max_rounds integer default 64
)
returns table (node_id bigint, component_id bigint, rounds integer, jumps integer)
language plpgsql as $fn$
declare
    n_rounds integer := 0;
    n_jumps integer := 0;
    changed bigint;
begin
    drop table if exists pg_temp.cc_edges, pg_temp.cc_labels, pg_temp.cc_parent;
    execute format(
        'create temp table cc_edges as
         select distinct least(node_a, node_b) as a, greatest(node_a, node_b) as b
         from (%s) as e where node_a is not null and node_b is not null and node_a <> node_b',
        edges_sql
    );
    create temp table cc_labels as
    select a as node, a as label from cc_edges
    union
    select b, b from cc_edges;
    create index on cc_labels (label);
    analyze cc_edges;
    analyze cc_labels;

    while exists (select from cc_edges) loop
        n_rounds := n_rounds + 1;
        if n_rounds > max_rounds then
            raise exception 'connected_components did not converge in % rounds', max_rounds;
        end if;

        drop table if exists pg_temp.cc_parent;
        create temp table cc_parent as
        select x, least(x, min(y)) as p
        from (
            select a as x, b as y from cc_edges
            union all
            select b, a from cc_edges
        ) as directed
        group by x;
        alter table cc_parent add primary key (x);
        analyze cc_parent;

        loop
            update cc_parent as child
            set p = parent.p
            from cc_parent as parent
            where child.p = parent.x and parent.p < child.p;
            get diagnostics changed = row_count;
            exit when changed = 0;
            n_jumps := n_jumps + 1;
        end loop;

        update cc_labels as l
        set label = cp.p
        from cc_parent as cp
        where l.label = cp.x and cp.p <> cp.x;

        create temp table cc_next as
        select distinct least(pa.p, pb.p) as a, greatest(pa.p, pb.p) as b
        from cc_edges as e
        inner join cc_parent as pa on e.a = pa.x
        inner join cc_parent as pb on e.b = pb.x
        where pa.p <> pb.p;
        drop table cc_edges;
        alter table cc_next rename to cc_edges;
        analyze cc_edges;
    end loop;

    return query select l.node, l.label, n_rounds, n_jumps from cc_labels as l;
    drop table if exists pg_temp.cc_edges, pg_temp.cc_labels, pg_temp.cc_parent;
end;
$fn$;
{% endmacro %}

{#- `dbt run-operation install_connected_components` (used by tests and benchmarks). -#}
{% macro install_connected_components() %}
    {% do run_query(create_connected_components_function()) %}
{% endmacro %}

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
