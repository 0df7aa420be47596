-- A manual "same" decision joins its two nodes, eligible or not (the lock
-- boundary still applies in int_evidence_edges_drawn).
{{ config(materialized='view') }}

with

decisions as (select * from {{ ref('int_manual_decisions_filtered') }}),

final as (
    select
        node_a,
        node_b,
        'manual_same' as evidence,
        'decision ' || decision_id as detail
    from decisions
    where action = 'same'
)

select * from final
