-- Profiles sharing a usable address (int_evidence_emails_usable: eligible
-- profiles, guarded addresses left out) as a star on the smallest, one star
-- per lock partition (macro evidence_star).
{{ config(materialized='view') }}

with

usable_emails as (select * from {{ ref('int_evidence_emails_usable') }}),

{{ evidence_star(
    'shared_email', 'usable_emails', 'email_normalized', 'usable_emails.email_normalized'
) }}

select * from shared_email
