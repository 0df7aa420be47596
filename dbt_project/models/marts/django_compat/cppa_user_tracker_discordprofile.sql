{{ django_compat_view('discord_profile', ['discord_user_id', 'username', 'display_name', 'avatar_url', 'is_bot', 'created_at', 'updated_at'], ptr=true) }}
