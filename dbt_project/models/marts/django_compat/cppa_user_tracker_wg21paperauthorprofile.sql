{{ django_compat_view('wg21_paper_author_profile', ['display_name', 'author_alias', 'created_at', 'updated_at'], ptr=true) }}
