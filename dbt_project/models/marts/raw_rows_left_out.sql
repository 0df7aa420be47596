-- Raw rows the merge cannot use and leaves out instead of failing (written
-- behind the loaders: an observation, email or link about an id the key
-- registry does not hold on that platform, a second 'add' of one email id, a
-- declared or tmp identity under an id a node of another kind holds).
-- `run` and `status` report them; the rows stay in raw, as said.
{%- set tables = [
    ['github_accounts', 'base_profile_id', none],
    ['slack_users', 'base_profile_id', none],
    ['discord_profiles', 'base_profile_id', none],
    ['mailing_list_profiles', 'base_profile_id', none],
    ['wg21_paper_author_profiles', 'base_profile_id', none],
    ['youtube_speakers', 'base_profile_id', none],
    ['emails', 'base_profile_id', none],
    ['temp_profile_identity_relation_keys', 'base_profile_id', 'tmp_identity_id'],
] %}
with

-- one count per raw table (jinja loops: sqlfluff cannot place their indents)
-- noqa: disable=LT02
{% for table, column, tmp_column in tables %}
{{ table }}_left_out as (
    select
        '{{ table }}' as raw_table,
        'about an id the key registry does not hold there' as reason,
        (
            select count(*) from {{ source('cppa_raw', table) }}
            where {{ watermark_filter() }} and {{ not_removed(column) }}
            {%- if tmp_column %} and {{ not_removed(tmp_column, 'tmp_identity') }}{% endif %}
        ) - (select count(*) from {{ ref('stg_cppa_raw__' ~ table) }}) as row_count
),

{% endfor %}
doubled_adds as (
    select
        'emails' as raw_table,
        'a second add of one email id' as reason,
        count(*) - count(distinct email_id) as row_count
    from {{ ref('stg_cppa_raw__emails') }}
    where action = 'add'
),

identity_events_held as (
    select
        'identities' as raw_table,
        'under an id a profile or tmp identity holds' as reason,
        (
            select count(*) from {{ source('cppa_raw', 'identities') }}
            where {{ watermark_filter() }}
        ) - (select count(*) from {{ ref('stg_cppa_raw__identities') }}) as row_count
),

tmp_identities_held as (
    select
        'tmp_identities' as raw_table,
        'under an id a profile holds' as reason,
        (
            select count(*) from {{ source('cppa_raw', 'tmp_identities') }}
            where {{ watermark_filter() }} and {{ not_removed('tmp_identity_id', 'tmp_identity') }}
        ) - (select count(*) from {{ ref('stg_cppa_raw__tmp_identities') }}) as row_count
),

unioned as (
    {% for table, column, tmp_column in tables %}
    select * from {{ table }}_left_out
    union all
    {% endfor %}
    select * from doubled_adds
    union all
    select * from identity_events_held
    union all
    select * from tmp_identities_held
),

-- noqa: enable=LT02
final as (
    select
        raw_table,
        reason,
        row_count
    from unioned
    where row_count > 0
)

select * from final
