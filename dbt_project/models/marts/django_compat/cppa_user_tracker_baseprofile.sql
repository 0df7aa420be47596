{{ config(materialized='view', enabled=var('django_compat')) }}
{{ django_compat_view('base_profile', ['identity_id', 'type']) }}
