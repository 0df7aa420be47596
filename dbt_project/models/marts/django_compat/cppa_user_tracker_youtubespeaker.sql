{{ django_compat_view('youtube_speaker', ['external_id', 'display_name', 'created_at', 'updated_at'], ptr=true) }}
