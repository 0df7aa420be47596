{{ config(indexes=[
    {'columns': ['id'], 'unique': true},
    {'columns': ['email']},
    {'columns': ['email_normalized']},
    {'columns': ['base_profile_id']},
]) }}
-- One row per current email of a profile (removed emails are gone; history is in raw).
with

emails as (select * from {{ ref('int_emails_collapsed') }}),

final as (
    select
        email_id as id,
        base_profile_id,
        email,
        is_primary,
        is_active,
        created_at,
        updated_at,
        email_normalized,
        email_domain,
        is_valid_email,
        github_noreply_account_id,
        github_noreply_login
    from emails
)

select * from final
