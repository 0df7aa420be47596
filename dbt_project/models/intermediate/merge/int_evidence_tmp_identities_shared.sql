-- Eligible profiles related to one tmp identity as a star on the smallest, one
-- star per lock partition (macro evidence_star).
{{ config(materialized='view') }}

with

eligible as (select * from {{ ref('int_evidence_eligibility') }}),

relations as (select * from {{ ref('int_temp_profile_identity_relations_collapsed') }}),

usable_relations as (
    select
        relations.base_profile_id,
        relations.tmp_identity_id,
        eligible.lock_id
    from relations
    inner join eligible on relations.base_profile_id = eligible.base_profile_id
),

{{ evidence_star(
    'tmp_identity', 'usable_relations', 'tmp_identity_id', 'usable_relations.tmp_identity_id::text'
) }}

select * from tmp_identity
