{{ django_compat_view('identity', ['display_name', 'description', 'created_at', 'updated_at']) }}
