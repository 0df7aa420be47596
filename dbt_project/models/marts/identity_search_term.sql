{{ config(indexes=[{'columns': ['term']}, {'columns': ['identity_id']}]) }}
-- What a partial search matches: each name, login and address of an identity's
-- profiles, folded (cppa_lib.fold_search: case, accents, compatibility forms),
-- whole and word by word, one row per identity, kind, value and term. A query
-- matches a term it begins (a range scan of the index on term).
with

profiles as (select * from {{ ref('identity_profile') }}),

emails as (select * from {{ ref('email') }}),

searched as (
    select
        identity_id,
        'name' as kind,
        display_name as value
    from profiles
    where display_name <> ''
    union all
    select
        identity_id,
        'login' as kind,
        username as value
    from profiles
    where username <> ''
    union all
    select
        profiles.identity_id,
        'email' as kind,
        emails.email as value
    from emails
    inner join profiles on emails.base_profile_id = profiles.id
),

distinct_values as (
    select distinct
        identity_id,
        kind,
        value
    from searched
),

folded as (
    select
        identity_id,
        kind,
        value,
        cppa_lib.fold_search(value) as folded
    from distinct_values
),

words as (
    -- an address's words are those of its local part: a domain's would match
    -- everybody at it; a value of one word is already there whole
    select distinct
        folded.identity_id,
        folded.kind,
        folded.value,
        word.word
    from folded
    cross join
        lateral regexp_split_to_table(
            case
                when folded.kind = 'email' then split_part(folded.folded, '@', 1)
                else folded.folded
            end,
            '[ ._+@-]+'
        ) as word (word)
    where word.word <> '' and word.word <> folded.folded
),

final as (
    select
        identity_id,
        kind,
        value,
        folded collate "C" as term
    from folded
    where folded <> ''
    union all
    select
        identity_id,
        kind,
        value,
        word collate "C" as term
    from words
)

select * from final
