-- One row per deterministic evidence edge between two nodes (profiles or
-- declared identities): everything but the comparison model's links, which
-- int_comparison_links_confirmed draws between the anchors these edges form.
-- Each kind is drawn in its own model: int_evidence_emails_shared and
-- int_evidence_tmp_identities_shared (stars, macro evidence_star),
-- int_evidence_noreply_matched, int_evidence_declared_identities,
-- int_evidence_accounts_repeated (pairwise), int_evidence_decisions_same and
-- int_evidence_locks_drawn. Here: the eligibility filter on pairwise evidence,
-- the lock boundary, and the strengths (seed evidence_kinds): 6 lock, 5 manual
-- same, 4 declared / tmp identity / one account, 3 email / noreply id, 2
-- noreply login. The guards come first, in their own models: which profiles
-- give automatic evidence (int_evidence_eligibility), which addresses count
-- (int_evidence_emails_usable); nothing crosses a lock's boundary except the
-- lock itself.
with

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

lock_members as (select * from {{ ref('int_lock_members_listed') }}),

identities as (select * from {{ ref('int_identities_collapsed') }}),

evidence_kinds as (select * from {{ ref('evidence_kinds') }}),

shared_email as (select * from {{ ref('int_evidence_emails_shared') }}),

tmp_identity as (select * from {{ ref('int_evidence_tmp_identities_shared') }}),

noreply as (select * from {{ ref('int_evidence_noreply_matched') }}),

declared as (select * from {{ ref('int_evidence_declared_identities') }}),

same_account as (select * from {{ ref('int_evidence_accounts_repeated') }}),

manual_same as (select * from {{ ref('int_evidence_decisions_same') }}),

lock_edges as (select * from {{ ref('int_evidence_locks_drawn') }}),

-- pairwise evidence: both ends must be eligible (declared identity nodes are)
pairwise as (
    select * from same_account
    union all
    select * from noreply
    union all
    select * from declared
),

eligible_nodes as (
    select base_profile_id as node_id from eligible
    union all
    select identity_id from identities
),

automatic as (
    select * from shared_email
    union all
    select * from tmp_identity
    union all
    select pairwise.*
    from pairwise
    where
        pairwise.node_a in (select eligible_nodes.node_id from eligible_nodes)
        and pairwise.node_b in (select eligible_nodes.node_id from eligible_nodes)
),

candidate_edges as (
    select * from automatic
    union all
    select * from manual_same
),

outside_locks as (
    select candidate_edges.*
    from candidate_edges
    left join lock_members as lock_a on candidate_edges.node_a = lock_a.member_id
    left join lock_members as lock_b on candidate_edges.node_b = lock_b.member_id
    where lock_a.lock_id is not distinct from lock_b.lock_id
),

unioned as (
    select * from outside_locks
    union all
    select * from lock_edges
),

final as (
    -- distinct: one piece of evidence recorded twice (an address added twice)
    -- is one edge; strengths come from the seed evidence_kinds
    select distinct
        unioned.evidence,
        evidence_kinds.strength,
        unioned.detail,
        least(unioned.node_a, unioned.node_b) as node_a,
        greatest(unioned.node_a, unioned.node_b) as node_b
    from unioned
    inner join evidence_kinds on unioned.evidence = evidence_kinds.evidence
)

select * from final
