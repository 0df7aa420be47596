{{ django_compat_view('base_profile', ['identity_id', 'type']) }}
