-- One row per profile of any platform, with the columns the merge compares:
-- one select per platform of var('platforms'), which loaders/platforms.py
-- declares (tests/test_platforms.py holds the two equal).
with

profiles as (
    select * from {{ ref('stg_cppa_raw__profiles') }}
),

unioned (
    base_profile_id,
    username,
    display_name,
    declared_identity_id,
    is_organization,
    is_bot,
    created_at,
    updated_at,
    is_platform_account
) as (
    {%- for platform in var('platforms') %}
        select
            base_profile_id,
            {{ platform.username }},
            display_name,
            declared_identity_id,
            {{ platform.is_organization }},
            {{ platform.is_bot }},
            created_at,
            updated_at,
            {{ platform.is_platform_account }}
        from {{ ref('int_' ~ platform.table ~ '_collapsed') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- the display name without a relay's "via …", worked out once: the folding
-- macros write their argument out several times
relayed as (
    select
        profiles.base_profile_id,
        profiles.platform,
        unioned.username,
        unioned.display_name,
        unioned.declared_identity_id,
        unioned.is_bot,
        unioned.is_organization,
        unioned.is_platform_account,
        unioned.created_at,
        unioned.updated_at,
        regexp_replace(unioned.display_name, {{ relay_name_pattern() }}, '', 'i') as shown_name
    from profiles
    inner join unioned on profiles.base_profile_id = unioned.base_profile_id
),

final as (
    select
        base_profile_id,
        platform,
        username,
        display_name,
        declared_identity_id,
        is_bot,
        is_organization,
        -- an account of the platform's own (a GitHub, Slack, Discord or YouTube
        -- id: verified by the platform), not a commit author, list poster or
        -- paper author (what they claim is all there is)
        is_platform_account,
        (is_bot or is_organization) as is_not_a_person,
        nullif({{ fold_case('btrim(username)') }}, '') as username_folded,
        -- "Jane Doe via Boost": a relay sent it (a list rewriting senders, a patch
        -- bridge); the person is the part before "via", the address is the relay's
        coalesce(display_name ~* {{ relay_name_pattern() }}, false) as is_relayed,
        btrim(shown_name) as person_name,
        {{ fold_name('shown_name') }} as name_folded,
        created_at,
        updated_at
    from relayed
)

select * from final
