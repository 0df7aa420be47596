-- One row per pair of accounts of one platform of var('single_account_platforms')
-- (two GitHub accounts...) that the evidence would put in one identity although nothing
-- deterministic joins them: different anchors of one component, joined only by
-- the comparison model's links. Two accounts are usually two people, so the
-- component is cut between them (int_profiles_clustered) as for a "different"
-- decision; each anchor's smallest account of the platform stands for it.
with

components as (select * from {{ ref('int_components_labelled') }}),

listed as (select * from {{ ref('int_comparison_values_listed') }}),

accounts as (
    select
        components.component_id,
        listed.anchor_id,
        listed.value as platform,
        listed.member_id
    from listed
    inner join components on listed.anchor_id = components.node_id
    where
        listed.side = 'account'
        and listed.value in ({{ single_account_platforms() }})
),

final as (
    select distinct
        a.component_id,
        a.platform,
        a.member_id as node_a,
        b.member_id as node_b
    from accounts as a
    inner join accounts as b
        on
            a.component_id = b.component_id
            and a.platform = b.platform
            and a.anchor_id < b.anchor_id
)

select * from final
