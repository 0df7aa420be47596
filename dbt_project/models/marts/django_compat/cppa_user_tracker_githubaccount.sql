{{ django_compat_view('github_account', ['github_account_id', 'username', 'display_name', 'avatar_url', 'account_type', 'created_at', 'updated_at'], ptr=true) }}
