{{ config(indexes=[{'columns': ['term']}, {'columns': ['identity_id']}]) }}
-- What a partial search matches: each name, login and address of an identity's
-- profiles, folded (cppa_lib.fold_search: case, accents, compatibility forms),
-- whole and word by word, one row per identity, kind, value and term. A query
-- matches a term it begins (a range scan of the index on term). The terms of a
-- value are folded once and kept (int_search_values_folded).
with

listed as (select * from {{ ref('int_search_values_listed') }}),

terms as (select * from {{ ref('int_search_values_folded') }}),

final as (
    select
        listed.identity_id,
        listed.kind,
        listed.value,
        terms.term
    from listed
    inner join terms on listed.kind = terms.kind and listed.value = terms.value
)

select * from final
