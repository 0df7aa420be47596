{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[{'columns': ['kind', 'value']}],
        post_hook=[
            "{{ memo_prune(ref('int_search_values_listed'), ['kind', 'value']) }}",
            'analyze {{ this }}',
        ],
    )
}}
-- The search terms of each searched value: folded (cppa_lib.fold_search: case,
-- accents, compatibility forms), whole and word by word. A value's terms depend
-- on the value alone, so this table is memoised (macro memo_missing): a run
-- folds only the values it has not folded before.
with

listed as (select * from {{ ref('int_search_values_listed') }}),

missing as (
    select distinct
        kind,
        value
    from listed
    where {{ memo_missing('listed', ['kind', 'value']) }}
),

folded as (
    select
        kind,
        value,
        cppa_lib.fold_search(value) as folded
    from missing
),

words as (
    -- an address's words are those of its local part: a domain's would match
    -- everybody at it; a value of one word is already there whole
    select distinct
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
        kind,
        value,
        folded collate "C" as term
    from folded
    where folded <> ''
    union all
    select
        kind,
        value,
        word collate "C" as term
    from words
)

select * from final
