-- One row per folded person name or username carried by a person's profile, scored as
-- Fellegi-Sunter with term frequencies: two profiles sharing the name are one
-- person with probability p = odds / (1 + odds), odds = prior × m / u, where the
-- prior is 1 / var('name_population') (a fixed population, never the
-- database's size: loading profiles that share no name with an identity
-- cannot change how its names score), m = var('name_m_probability')
-- (a person shows the same name across profiles) and u the share of people
-- carrying the name: given name × surname frequency from the seed
-- name_frequencies (either order, the commoner wins), or
-- var('name_handle_frequency') for a distinctive handle. A full name has at
-- least two real words (letters only: initials and "(work)" do not count); a
-- handle is one token of 6+
-- characters with a digit, an inner capital or 10+ characters, or a name one
-- profile shows that is another's login, and no given name or surname.
with

carriers as (select * from {{ ref('int_name_carriers_listed') }}),

frequencies as (select * from {{ ref('name_frequencies') }}),

blocked_names as (select * from {{ ref('blocked_names') }}),

people as (
    select
        base_profile_id,
        name_folded,
        shown_as as person_name,
        is_login
    from carriers
    where name_folded not in (select blocked_names.name_folded from blocked_names)
),

population as (
    select {{ var('name_population') }}::float as profile_count
),

names as (
    select
        name_folded,
        count(distinct base_profile_id) as profile_count,
        bool_or(person_name ~ '[[:lower:]][[:upper:]]') as has_inner_capital,
        -- a name on one profile that is a login on another ("iamsoto" beside
        -- iamsoto@users.noreply...): a handle, whatever its shape; two logins
        -- alike are not (that is what same_username candidates are for)
        coalesce(bool_or(is_login) and bool_or(not is_login), false) as is_login_and_name,
        {{ name_words('name_folded') }} as tokens,
        {{ has_odd_word('name_folded') }} as has_odd_word  -- no full name
    from people
    group by name_folded
),

shaped as (
    select
        names.name_folded,
        names.profile_count,
        names.tokens,
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

with_frequency as (
    select
        shaped.*,
        case shaped.name_shape
            when 'handle' then {{ var('name_handle_frequency') }}
            when 'full_name' then greatest(
                coalesce(first_given.frequency, {{ var('name_floor_frequency') }})
                * coalesce(last_surname.frequency, {{ var('name_floor_frequency') }}),
                coalesce(last_given.frequency, {{ var('name_floor_frequency') }})
                * coalesce(first_surname.frequency, {{ var('name_floor_frequency') }})
            )
        end as u_probability
    from shaped
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
),

scored as (
    select
        with_frequency.*,
        {{ var('name_m_probability') }} / with_frequency.u_probability
        / population.profile_count as match_odds
    from with_frequency
    cross join population
),

final as (
    select
        name_folded,
        name_shape,
        profile_count,
        u_probability,
        round((match_odds / (1 + match_odds))::numeric, 6) as match_probability,
        coalesce(
            name_shape is not null
            and case '{{ var("name_merge") }}'
                when 'all' then true
                when 'distinctive'
                    then match_odds / (1 + match_odds) >= {{ var('name_merge_threshold') }}
                else false
            end,
            false
        ) as is_distinctive
    from scored
)

select * from final
