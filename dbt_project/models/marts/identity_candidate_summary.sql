-- How many merge candidates carry each reason and fall in each score band: the
-- counts beside the review queue's filters, counted once per run.
with

candidates as (select * from {{ ref('identity_merge_candidate') }}),

by_reason as (
    select
        'reason' as kind,
        split_part(reasons.reason, ':', 1) as label,
        count(distinct candidates.candidate_id) as n
    from candidates
    cross join lateral unnest(candidates.reasons) as reasons (reason)
    group by split_part(reasons.reason, ':', 1)
),

banded as (
    select
        case
            when score >= 0.9 then '0.9-1.0'
            when score >= 0.7 then '0.7-0.9'
            when score >= 0.5 then '0.5-0.7'
            else '0.0-0.5'
        end as label
    from candidates
),

by_score as (
    select
        'score' as kind,
        label,
        count(*) as n
    from banded
    group by label
),

final as (
    select * from by_reason
    union all
    select * from by_score
)

select * from final
