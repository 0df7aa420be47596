{{ django_compat_view('temp_profile_identity_relation', ['base_profile_id', 'target_identity_id', 'created_at', 'updated_at']) }}
