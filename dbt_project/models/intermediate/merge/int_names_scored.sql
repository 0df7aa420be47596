{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[{'columns': ['name_folded']}],
        post_hook=[
            "{{ memo_prune(ref('int_names_counted'), names_scored_key()) }}",
            'analyze {{ this }}',
        ],
    )
}}
-- One row per folded person name or username carried by a person's profile,
-- with u, how likely two different people carry it: given name x surname share
-- (seed name_frequencies, either order, the commoner wins; macro
-- full_name_share: a given name of the surname's origin counts by its share
-- within the origin, seed name_origins) or
-- var('name_handle_frequency') for a distinctive handle, raised to the share of
-- other people the data itself shows carrying it: the most distinct anchors
-- with an account of one platform (GitHub, Discord, YouTube:
-- var('single_account_platforms')) that shows the name, less one, over
-- var('name_population') (five GitHub accounts named "Wei Wang" are five people:
-- a profile with the name is a given one of them one time in five). Claims (commit
-- authors, list posters) never raise it, and profiles sharing no name with an
-- identity cannot change how its names score (a lone given name or surname has
-- the word's own share, and no shape). match_probability is what the
-- name alone says (Fellegi-Sunter: prior 1 / name_population, m of the
-- same_name level); int_comparison_pairs_scored weighs it with the rest. A full
-- name has at least two real words (letters only: initials and "(work)" do not
-- count); a handle is one token of 6+ characters with a digit, an inner capital
-- or 10+ characters, or a name one profile shows that is another's login, and
-- no given name or surname.
-- A name's row is a function of the name and what int_names_counted says of
-- its carriers (the memo's key, macro names_scored_key), so this table is
-- memoised (macro memo_missing): a run scores only the names whose key it has
-- not scored before.
with

name_counts as (select * from {{ ref('int_names_counted') }}),

frequencies as (select * from {{ ref('name_frequencies') }}),

origins as (select * from {{ ref('name_origins') }}),

levels as (select * from {{ ref('comparison_levels') }}),

names as (
    select
        name_counts.*,
        {{ name_words('name_counts.name_folded') }} as tokens,
        -- its initials ("michael j gruber", "j bruce fields"); most names have
        -- none, which one pattern says without splitting them
        case
            when name_counts.name_folded !~ '(^| )[[:alpha:]]( |$)' then 0
            else cardinality(array(
                select initial.token
                from unnest(regexp_split_to_array(name_counts.name_folded, ' ')) as initial (token)
                where initial.token ~ '^[[:alpha:]]$'
            ))
        end as initial_count,
        {{ has_odd_word('name_counts.name_folded') }} as has_odd_word  -- no full name
    from name_counts
    where {{ memo_missing('name_counts', names_scored_key()) }}
),

population as (
    select {{ var('name_population') }}::float as profile_count
),

shaped as (
    select
        names.name_folded,
        names.profile_count,
        names.has_inner_capital,
        names.is_login_and_name,
        names.account_count,
        names.tokens,
        names.initial_count,
        case
            when cardinality(names.tokens) >= 2 and not names.has_odd_word then 'full_name'
            when
                names.name_folded !~ '\s'
                and length(names.name_folded) >= 6
                and (
                    names.name_folded ~ '[0-9]'
                    or names.has_inner_capital
                    or names.is_login_and_name
                    or length(names.name_folded) >= 10
                )
                and names.name_folded not in (select frequencies.token from frequencies)
                then 'handle'
        end as name_shape
    from names
),

-- a full name's middle words ("chris paulson ellis"): the same full name
-- carries them too, so it is rarer by each one's share (the larger of its given
-- name and surname rows, an unlisted word var('name_floor_frequency')); its
-- initials by var('initial_share') each (a namesake shows the same "J." as
-- seldom as one initial in twenty, and seldom writes one at all)
middles as (
    select
        shaped.name_folded,
        exp(sum(ln(coalesce(
            greatest(middle_given.frequency, middle_surname.frequency),
            {{ var('name_floor_frequency') }}
        )))) as middle_share
    from shaped
    cross join
        lateral unnest(shaped.tokens[2:cardinality(shaped.tokens) - 1]) as middle (token)
    left join frequencies as middle_given
        on middle.token = middle_given.token and middle_given.kind = 'given'
    left join frequencies as middle_surname
        on middle.token = middle_surname.token and middle_surname.kind = 'surname'
    where shaped.name_shape = 'full_name'
    group by shaped.name_folded
),

with_frequency as (
    select
        shaped.*,
        case shaped.name_shape
            when 'handle' then {{ var('name_handle_frequency') }}
            when 'full_name'
                then
                    coalesce(middles.middle_share, 1)
                    * power({{ var('initial_share') }}, shaped.initial_count)
                    * greatest(
                        {{ full_name_share(
                            'first_given', 'last_surname', 'last_origin', 'first_given_origin'
                        ) }},
                        {{ full_name_share(
                            'last_given', 'first_surname', 'first_origin', 'last_given_origin'
                        ) }}
                    )
            -- a lone given name or surname ("dana"): how common that word is
            else case
                when shaped.name_folded = shaped.tokens[1] then
                    greatest(first_given.frequency, first_surname.frequency)
            end
        end as reference_u
    from shaped
    left join middles on shaped.name_folded = middles.name_folded
    left join frequencies as first_given
        on shaped.tokens[1] = first_given.token and first_given.kind = 'given'
    left join frequencies as last_surname
        on
            shaped.tokens[cardinality(shaped.tokens)] = last_surname.token
            and last_surname.kind = 'surname'
    left join frequencies as last_given
        on
            shaped.tokens[cardinality(shaped.tokens)] = last_given.token
            and last_given.kind = 'given'
    left join frequencies as first_surname
        on shaped.tokens[1] = first_surname.token and first_surname.kind = 'surname'
    left join origins as last_origin on last_surname.origin = last_origin.origin
    left join origins as first_origin on first_surname.origin = first_origin.origin
    left join origins as first_given_origin on first_given.origin = first_given_origin.origin
    left join origins as last_given_origin on last_given.origin = last_given_origin.origin
),

counted as (
    select
        with_frequency.*,
        -- (greatest() skips a null: a name of no shape keeps none)
        case when with_frequency.reference_u is not null then greatest(
            with_frequency.reference_u,
            (with_frequency.account_count - 1) / population.profile_count
        ) end as u_probability
    from with_frequency
    cross join population
),

scored as (
    select
        counted.*,
        levels.m_probability / counted.u_probability / population.profile_count as match_odds
    from counted
    cross join population
    inner join levels on levels.level = 'same_name'
),

final as (
    select
        name_folded,
        name_shape,
        profile_count,
        has_inner_capital,
        is_login_and_name,
        account_count,
        u_probability,
        round((match_odds / (1 + match_odds))::numeric, 6) as match_probability,
        coalesce(
            name_shape is not null
            and case '{{ var("name_merge") }}'
                when 'all' then true
                when 'distinctive'
                    then match_odds / (1 + match_odds) >= {{ var('match_threshold') }}
                else false
            end,
            false
        ) as is_distinctive
    from scored
)

select * from final
