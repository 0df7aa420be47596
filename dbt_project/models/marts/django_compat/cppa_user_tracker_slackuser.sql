{{ django_compat_view('slack_user', ['slack_user_id', 'username', 'display_name', 'avatar_url', 'created_at', 'updated_at'], ptr=true) }}
