{{ django_compat_view('mailing_list_profile', ['display_name', 'created_at', 'updated_at'], ptr=true) }}
