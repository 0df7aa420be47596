{{ django_compat_view('email', ['base_profile_id', 'email', 'is_primary', 'is_active', 'created_at', 'updated_at']) }}
