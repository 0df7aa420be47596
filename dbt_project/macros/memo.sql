{#- Memoised models (issue 31): a table in the work schema that keeps, from one
    run to the next, rows that are a function of their key alone (a searched
    value's terms), adds the keys it lacks and drops those no longer listed.
    Its rows then equal what a build from nothing gives; a full run starts from
    an empty work schema, so is_incremental() is false and every key is built.
    var('skip_update') lists models whose update is skipped: the replay test's
    sabotage (tests/ops/test_incremental_replay.py); a run never sets it. -#}

{#- Where-clause: the keys to build (all from nothing, else those it lacks). -#}
{% macro memo_missing(relation, keys) -%}
    {%- if not is_incremental() -%}
    true
    {%- elif this.identifier in var('skip_update', []) -%}
    false
    {%- else -%}
    not exists (
        select from {{ this }} as memo
        where {% for key in keys %}memo.{{ key }} = {{ relation }}.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
    )
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: drop the memo's rows whose key `listed` no longer lists. -#}
{% macro memo_prune(listed, keys) -%}
    {%- if is_incremental() and this.identifier not in var('skip_update', []) -%}
    delete from {{ this }} as memo
    where not exists (
        select from {{ listed }} as listed
        where {% for key in keys %}listed.{{ key }} = memo.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
    )
    {%- else -%}
    select 1
    {%- endif -%}
{%- endmacro %}

{#- The key of int_names_scored's memo: a name and what its carriers say
    (int_names_counted), every column of which the name's row depends on. -#}
{% macro names_scored_key() -%}
    {{ return(['name_folded', 'profile_count', 'has_inner_capital', 'is_login_and_name', 'account_count']) }}
{%- endmacro %}
