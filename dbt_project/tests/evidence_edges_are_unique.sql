-- Guard on every publish: one row per piece of evidence between two nodes.
select
    node_a,
    node_b,
    evidence,
    detail,
    count(*) as copies
from {{ ref('int_evidence_edges_collected') }}
group by node_a, node_b, evidence, detail
having count(*) > 1
