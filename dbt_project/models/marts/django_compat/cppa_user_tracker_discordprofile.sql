-- Discord profiles as the old app's DiscordProfile model reads them: live.
{{ django_profile_view('discord_profiles', [
    ['username', "''", 'varchar(255)'],
    ['display_name', "''", 'varchar(255)'],
    ['avatar_url', "''", 'varchar(512)'],
    ['is_bot', 'false', none],
], keys=[['discord_user_id', none]]) }}
