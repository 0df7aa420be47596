-- YouTube speakers as the old app's YoutubeSpeaker model reads them: live.
{{ django_profile_view('youtube_speakers', [
    ['display_name', "''", 'varchar(255)'],
], keys=[['external_id', 'varchar(255)']]) }}
