-- One row per pair of anchors sharing a value (int_comparison_values_listed),
-- weighed as Fellegi-Sunter on one scale. Each comparison (name, login,
-- address, account) gives its best agreeing level or, when both sides have
-- values of its kind and none agree, its disagreement level (two accounts of
-- a platform of var('single_account_platforms')); a level weighs
-- log2(m / u) (seed comparison_levels; u from how common the value is where the
-- seed leaves it blank: int_names_scored for names and handles, else
-- var('token_u_short') or var('token_u_long') by length; a login or local part
-- that spells a name, as common as that name). The match weight is
-- log2(1 / (name_population - 1)) plus the levels' weights, and
-- match_probability = 1 / (1 + 2^-weight). merge_weight counts only the
-- agreements whose carriers may give automatic evidence on both sides (and
-- every disagreement); node_a and node_b are those carriers of the strongest
-- such agreement (else of the strongest agreement). levels read "level: value
-- (weight in bits)", strongest first; weights holds the same weights.
with

listed as (select * from {{ ref('int_comparison_values_listed') }}),

typos as (select * from {{ ref('int_comparison_name_typos_paired') }}),

names as (select * from {{ ref('int_names_scored') }}),

levels as (select * from {{ ref('comparison_levels') }}),

frequencies as (select * from {{ ref('name_frequencies') }}),

surnames as (
    select
        token,
        frequency
    from frequencies
    where kind = 'surname'
),

-- the values compared that more than one anchor holds: a value of one anchor
-- pairs nobody, so only these (and the name typos) are looked up and counted
-- below (most values are one anchor's: the lookups were most of the cost)
shared_values as (
    select value
    from listed
    where side not in ('account', 'declared')
    group by value
    having min(anchor_id) < max(anchor_id)
),

held as (
    select *
    from listed
    where
        side not in ('account', 'declared')
        and value in (select shared_values.value from shared_values)
),

-- the full names the data holds, with their surnames
full_names as (
    select
        name_folded,
        u_probability,
        split_part(name_folded, ' ', 1) as given,
        substring(name_folded from '([^ ]+)$') as surname
    from names
    where name_shape = 'full_name'
),

-- the ways a full name is written as one word, each as common as the name:
-- "wei.wang" and "wangwei"; an initial and the surname ("wwang") as any of the
-- surname's people with that initial (var('initial_share')), an unlisted
-- surname as var('name_floor_frequency')
name_spellings as (
    select
        replace(name_folded, ' ', '') as spelling,
        u_probability
    from full_names
    union all
    select
        surname || given,
        u_probability
    from full_names
    union all
    select
        left(full_names.name_folded, 1) || full_names.surname,
        greatest(
            full_names.u_probability,
            {{ var('initial_share') }}
            * coalesce(surnames.frequency, {{ var('name_floor_frequency') }})
        )
    from full_names
    left join surnames on full_names.surname = surnames.token
),

-- the one-word values whose spelling is looked up: logins, local parts and
-- one-word names without their separators, and both sides of a name typo
wanted as (
    select regexp_replace(value, '[._+-]', '', 'g') as spelling
    from held
    where side in ('login', 'local', 'squashed', 'initial_surname', 'handle_name')
    union
    select split_part(value, ' ~ ', 1) from typos
    union
    select split_part(value, ' ~ ', 2) from typos
),

-- how common a login or local part is when it spells a name, whatever its
-- separators: a full name the data holds (name_spellings); a word's share for
-- a lone given name or surname ("john"); an initial and a listed surname
-- ("trodriguez"), whoever carries it, as common as the surname's people with
-- that initial (var('initial_share')). Digits make it another value
-- ("mmuller184" is one person's). Looked up for the values listed only: the
-- population's spellings are 200,000 rows a build need not write.
spelled as (
    select
        spelling,
        max(u_probability) as u_probability
    from (
        select
            wanted.spelling,
            name_spellings.u_probability
        from wanted
        inner join name_spellings on wanted.spelling = name_spellings.spelling
        union all
        select
            wanted.spelling,
            frequencies.frequency
        from wanted
        inner join frequencies on wanted.spelling = frequencies.token
        union all
        select
            wanted.spelling,
            surnames.frequency * {{ var('initial_share') }}
        from wanted
        inner join surnames
            on
                substring(wanted.spelling from 2) = surnames.token
                and left(wanted.spelling, 1) = any(
                    string_to_array('a b c d e f g h i j k l m n o p q r s t u v w x y z', ' ')
                )
        where surnames.frequency >= {{ var('token_u_long') }}
    ) as found
    group by spelling
),

-- one row per anchor that may be in a pair (it holds a value another anchor
-- holds, or a name typo pairs it): what kinds of value it has (for the
-- disagreement levels), the platforms it holds accounts of, whether it holds an
-- account or a declared identity
-- (the platforms apart: an ordered aggregate would sort every value listed)
anchor_platforms as (
    select
        anchor_id,
        array_agg(distinct value) as platforms
    from listed
    where side = 'account'
    group by anchor_id
),

anchors as (
    select
        kinds.*,
        coalesce(anchor_platforms.platforms, '{}') as platforms
    from (
        select
            anchor_id,
            bool_or(side = 'name') as has_name,
            bool_or(side = 'login') as has_login,
            bool_or(side = 'local') as has_address,
            bool_or(side in ('account', 'declared')) as is_verified
        from listed
        where
            anchor_id in (
                select held.anchor_id from held
                union
                select typos.anchor_a from typos
                union
                select typos.anchor_b from typos
            )
        group by anchor_id
    ) as kinds
    left join anchor_platforms on kinds.anchor_id = anchor_platforms.anchor_id
),

-- spelled_u: how common the name a login or local part spells is (null when
-- it spells none), looked up once per value
values_listed as (
    select
        held.*,
        anchors.is_verified,
        spelled.u_probability as spelled_u
    from held
    inner join anchors on held.anchor_id = anchors.anchor_id
    left join spelled
        on
            held.side in ('login', 'local', 'squashed', 'initial_surname', 'handle_name')
            and regexp_replace(held.value, '[._+-]', '', 'g') = spelled.spelling
),

-- a value carried by more than var('comparison_block_cap') anchors pairs only
-- anchors holding an account (and none when those alone pass the cap)
spread as (
    select
        value,
        count(distinct anchor_id) as anchor_count,
        count(distinct anchor_id) filter (where is_verified) as verified_count
    from values_listed
    group by value
),

pairings (side_a, side_b, level) as (
    values
    ('name', 'name', 'same_name'),
    ('handle_name', 'handle_name', 'same_name'),
    ('core', 'core', 'same_core_name'),
    ('core', 'name', 'same_core_name'),
    ('login', 'login', 'same_login'),
    ('login', 'handle_name', 'same_login'),
    ('local', 'local', 'same_local_part'),
    ('domain', 'domain', 'same_domain'),
    ('mailbox', 'mailbox', 'same_mailbox'),
    ('local', 'login', 'login_from_name'),
    ('local', 'squashed', 'login_from_name'),
    ('local', 'handle_name', 'login_from_name'),
    ('squashed', 'login', 'login_from_name'),
    ('squashed', 'handle_name', 'login_from_name'),
    ('initial_surname', 'login', 'login_from_name'),
    ('initial_surname', 'handle_name', 'login_from_name')
),

shared as (
    select
        pairings.level,
        a.value,
        a.anchor_id as anchor_a,
        b.anchor_id as anchor_b,
        a.member_id as member_a,
        b.member_id as member_b,
        a.merge_member_id as merge_member_a,
        b.merge_member_id as merge_member_b,
        spread.anchor_count as value_spread,
        coalesce(a.spelled_u, b.spelled_u) as spelled_u
    from values_listed as a
    inner join values_listed as b
        on a.value = b.value and a.anchor_id < b.anchor_id
    inner join pairings
        on
            (a.side = pairings.side_a and b.side = pairings.side_b)
            or (a.side = pairings.side_b and b.side = pairings.side_a)
    inner join spread on a.value = spread.value
    where
        spread.verified_count <= {{ var('comparison_block_cap') }}
        and (
            spread.anchor_count <= {{ var('comparison_block_cap') }}
            or a.is_verified
            or b.is_verified
        )
        -- a domain many share (a large employer's) tells nothing: no pairs
        and (a.side <> 'domain' or spread.anchor_count <= {{ var('domain_pair_cap') }})
    union all
    -- (spelled_u: a one-word name that spells a full name, "zhangwei", is as
    -- common as that name, and a slip in it as common)
    select
        'name_typo',
        typos.value,
        typos.anchor_a,
        typos.anchor_b,
        typos.member_a,
        typos.member_b,
        typos.merge_member_a,
        typos.merge_member_b,
        null,
        greatest(spelled_a.u_probability, spelled_b.u_probability)
    from typos
    left join spelled as spelled_a on split_part(typos.value, ' ~ ', 1) = spelled_a.spelling
    left join spelled as spelled_b on split_part(typos.value, ' ~ ', 2) = spelled_b.spelling
),

weighed_agreements as (
    select
        levels.comparison,
        shared.*,
        shared.merge_member_a is not null and shared.merge_member_b is not null as may_merge,
        levels.comparison <> 'name' and shared.spelled_u is not null as spells_a_name,
        {{ var('evidence_scale') }} * log(
            2,
            (levels.m_probability / coalesce(
                -- a slip in a name is as common as the name, and at least the
                -- level's u (two rare names one letter apart are one person's);
                -- in a one-word name at least var('token_u_long'), as a token
                case
                    when shared.level = 'name_typo'
                        then greatest(
                            levels.u_probability, typo_a.u_probability, typo_b.u_probability,
                            case
                                when split_part(shared.value, ' ~ ', 1) !~ ' '
                                    then greatest({{ var('token_u_long') }}, shared.spelled_u)
                            end
                        )
                    -- a domain as common as the share of people the data shows
                    -- at it, at least var('domain_u_floor')
                    when shared.level = 'same_domain'
                        then greatest(
                            {{ var('domain_u_floor') }},
                            shared.value_spread::numeric / {{ var('name_population') }}
                        )
                end,
                levels.u_probability,
                greatest(
                    coalesce(
                        names.u_probability,
                        case
                            -- a login or local part that spells a full name is
                            -- a handle: as rare as var('name_handle_frequency'),
                            -- or as common as the name it spells
                            when levels.comparison <> 'name' and shared.spelled_u is not null
                                then {{ var('name_handle_frequency') }}
                            when length(shared.value) < 6 then {{ var('token_u_short') }}
                            else {{ var('token_u_long') }}
                        end
                    ),
                    case when levels.comparison <> 'name' then shared.spelled_u end
                )
            ))::numeric
        ) as weight
    from shared
    inner join levels on shared.level = levels.level
    left join names on shared.value = names.name_folded
    left join names as typo_a
        on shared.level = 'name_typo' and split_part(shared.value, ' ~ ', 1) = typo_a.name_folded
    left join names as typo_b
        on shared.level = 'name_typo' and split_part(shared.value, ' ~ ', 2) = typo_b.name_folded
),

-- a login or local part that spells a name tells nothing the agreeing names
-- have not told ("abhisheksingh" beside two "Abhishek Singh"s: namesakes pick
-- it as often): it weighs nothing then, and says so (beside names one letter
-- apart too: "pkumar" fits every Priya Kumar, the one whose name was mistyped
-- as often as any other)
name_agreed as (
    select distinct
        anchor_a,
        anchor_b
    from weighed_agreements
    where comparison = 'name'
),

agreements as (
    select
        weighed_agreements.comparison,
        weighed_agreements.level,
        weighed_agreements.value,
        weighed_agreements.anchor_a,
        weighed_agreements.anchor_b,
        weighed_agreements.member_a,
        weighed_agreements.member_b,
        weighed_agreements.merge_member_a,
        weighed_agreements.merge_member_b,
        weighed_agreements.may_merge,
        case
            when weighed_agreements.spells_a_name and name_agreed.anchor_a is not null then 0
            else weighed_agreements.weight
        end as weight
    from weighed_agreements
    left join name_agreed
        on
            weighed_agreements.anchor_a = name_agreed.anchor_a
            and weighed_agreements.anchor_b = name_agreed.anchor_b
),

-- each comparison's best agreeing level (ties broken on every column: two
-- levels of one value at one weight, "same_login" and "login_from_name" both +0
-- beside an agreeing name, were kept in whichever order the plan gave)
best_agreements as (
    select distinct on (anchor_a, anchor_b, comparison) *
    from agreements
    order by
        anchor_a asc, anchor_b asc, comparison asc, weight desc, value asc, level asc,
        member_a asc, member_b asc, merge_member_a asc, merge_member_b asc
),

best_mergeable as (
    select distinct on (anchor_a, anchor_b, comparison) *
    from agreements
    where may_merge
    order by
        anchor_a asc, anchor_b asc, comparison asc, weight desc, value asc, level asc,
        member_a asc, member_b asc, merge_member_a asc, merge_member_b asc
),

-- the link's ends: the carriers of the strongest agreement that may merge, else
-- of the strongest agreement
ends as (
    select distinct on (anchor_a, anchor_b)
        anchor_a,
        anchor_b,
        coalesce(merge_member_a, member_a) as node_a,
        coalesce(merge_member_b, member_b) as node_b
    from agreements
    order by
        anchor_a asc, anchor_b asc, may_merge desc, weight desc, value asc, level asc,
        member_a asc, member_b asc
),

-- one row per pair, with its link's ends
pairs as (
    select
        pair.anchor_a,
        pair.anchor_b,
        pair.node_a,
        pair.node_b,
        anchor_a.has_name and anchor_b.has_name as both_named,
        anchor_a.has_login and anchor_b.has_login as both_logged_in,
        anchor_a.has_address and anchor_b.has_address as both_addressed,
        array(
            select unnest(anchor_a.platforms)
            intersect
            select unnest(anchor_b.platforms)
            intersect
            select unnest(array[{{ single_account_platforms() }}]::text[])
        ) as shared_platforms,
        anchor_a.is_verified or anchor_b.is_verified as is_verified
    from ends as pair
    inner join anchors as anchor_a on pair.anchor_a = anchor_a.anchor_id
    inner join anchors as anchor_b on pair.anchor_b = anchor_b.anchor_id
),

-- a comparison whose values both sides have and none agree weighs against; two
-- accounts of one platform (the same account would be one anchor) too
disagreements as (
    select
        levels.comparison,
        levels.level,
        pairs.anchor_a,
        pairs.anchor_b,
        {{ var('evidence_scale') }}
        * log(2, (levels.m_probability / levels.u_probability)::numeric) as weight,
        'none agree' as value
    from pairs
    inner join levels
        on
            not levels.is_agreement
            and (
                (levels.comparison = 'name' and pairs.both_named)
                or (levels.comparison = 'login' and pairs.both_logged_in)
                or (levels.comparison = 'address' and pairs.both_addressed)
            )
    where
        not exists (
            select 1 from best_agreements
            where
                best_agreements.anchor_a = pairs.anchor_a
                and best_agreements.anchor_b = pairs.anchor_b
                and best_agreements.comparison = levels.comparison
        )
    union all
    select
        levels.comparison,
        levels.level,
        pairs.anchor_a,
        pairs.anchor_b,
        {{ var('evidence_scale') }}
        * log(2, (levels.m_probability / levels.u_probability)::numeric),
        array_to_string(pairs.shared_platforms, ', ')
    from pairs
    inner join levels on levels.level = 'two_accounts_one_platform'
    where cardinality(pairs.shared_platforms) > 0
),

best as (
    select
        'agreement' as role,
        comparison,
        level,
        anchor_a,
        anchor_b,
        weight,
        value
    from best_agreements
    union all
    select
        'mergeable',
        comparison,
        level,
        anchor_a,
        anchor_b,
        weight,
        value
    from best_mergeable
),

-- one token is one piece of evidence: a login that is also the other side's
-- local part ("hzheng" both) agrees under login and under address, and weighs
-- once (the stronger; the other shows +0), whatever its separators
-- ("gauravpatel" and "gaurav.patel" spell one name once)
best_counted as (
    select
        best.role,
        best.comparison,
        best.level,
        best.anchor_a,
        best.anchor_b,
        best.value,
        case when stronger.anchor_a is not null then 0 else best.weight end as weight
    from best
    left join best as stronger
        on
            best.role = stronger.role
            and best.anchor_a = stronger.anchor_a
            and best.anchor_b = stronger.anchor_b
            and regexp_replace(best.value, '[._+-]', '', 'g')
            = regexp_replace(stronger.value, '[._+-]', '', 'g')
            and best.comparison in ('login', 'address')
            and stronger.comparison in ('login', 'address')
            and best.comparison <> stronger.comparison
            and (
                best.weight < stronger.weight
                or (best.weight = stronger.weight and best.comparison > stronger.comparison)
            )
),

-- and one 'pair' row per pair, which carries its ends (one row per pair
-- out of one aggregate: a join of two per-pair CTEs, each estimated at a few
-- rows, was planned as a nested loop, quadratic in the pairs)
weighed as (
    select
        'against' as role,
        comparison,
        level,
        anchor_a,
        anchor_b,
        weight,
        value,
        null::bigint as node_a,
        null::bigint as node_b,
        null::boolean as is_verified
    from disagreements
    union all
    select
        role,
        comparison,
        level,
        anchor_a,
        anchor_b,
        weight,
        value,
        null,
        null,
        null
    from best_counted
    union all
    select
        'pair',
        null,
        null,
        anchor_a,
        anchor_b,
        0,
        null,
        node_a,
        node_b,
        is_verified
    from pairs
),

prior_odds as (
    select
        {{ var('evidence_scale') }}
        * log(2, 1 / ({{ var('name_population') }} - 1)::numeric) as weight
),

summed as (
    select
        weighed.anchor_a,
        weighed.anchor_b,
        min(weighed.node_a) filter (where weighed.role = 'pair') as node_a,
        min(weighed.node_b) filter (where weighed.role = 'pair') as node_b,
        bool_or(weighed.is_verified) filter (where weighed.role = 'pair') as is_verified,
        coalesce(
            sum(weighed.weight) filter (where weighed.role in ('agreement', 'against')), 0
        ) as match_sum,
        coalesce(
            sum(weighed.weight) filter (where weighed.role in ('mergeable', 'against')), 0
        ) as merge_sum,
        count(*) filter (
            where weighed.role = 'mergeable' and weighed.weight > 0
        ) as merge_agreement_count,
        array_agg(
            weighed.level || ': ' || weighed.value || ' ('
            || case when weighed.weight >= 0 then '+' else '' end
            || round(weighed.weight, 2) || ')'
            order by weighed.weight desc, weighed.level asc
        ) filter (where weighed.role in ('agreement', 'against')) as levels,
        array_agg(
            round(weighed.weight, 2) order by weighed.weight desc, weighed.level asc
        ) filter (where weighed.role in ('agreement', 'against')) as weights
    from weighed
    group by weighed.anchor_a, weighed.anchor_b
),

weights_summed as (
    select
        summed.*,
        prior_odds.weight + summed.match_sum as match_weight,
        prior_odds.weight + summed.merge_sum as merge_weight
    from summed
    cross join prior_odds
),

final as (
    select
        anchor_a,
        anchor_b,
        node_a,
        node_b,
        merge_agreement_count,
        is_verified,
        levels,
        weights,
        round(match_weight, 2) as match_weight,
        round(1 / (1 + power(2::numeric, -match_weight)), 6) as match_probability,
        round(1 / (1 + power(2::numeric, -merge_weight)), 6) as merge_probability
    from weights_summed
)

select * from final
