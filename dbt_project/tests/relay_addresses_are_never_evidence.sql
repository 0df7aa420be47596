-- Guard on every publish: an address flagged as a relay ("<name> via <list>",
-- seed relay_addresses) never joins two profiles.
with

edges as (select * from {{ ref('int_evidence_edges_collected') }}),

relays as (select * from {{ ref('int_relay_addresses_flagged') }})

select
    edges.node_a,
    edges.node_b,
    edges.detail
from edges
inner join relays on edges.detail = relays.email_normalized
where edges.evidence = 'shared_email'
