-- A lock joins its members: a star on the smallest member (macro
-- evidence_star, one star per lock). The only evidence that crosses a lock's
-- boundary (int_evidence_edges_drawn).
{{ config(materialized='view') }}

with

lock_members as (select * from {{ ref('int_lock_members_listed') }}),

{{ evidence_star(
    'lock_edges', 'lock_members', 'lock_id', "'decision ' || lock_members.lock_id",
    member_column='member_id', partition_column=none, evidence='lock'
) }}

select * from lock_edges
