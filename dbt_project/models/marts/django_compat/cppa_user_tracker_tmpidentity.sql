{{ django_compat_view('tmp_identity', ['display_name', 'description', 'created_at', 'updated_at']) }}
