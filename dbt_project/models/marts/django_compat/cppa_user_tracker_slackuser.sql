-- Slack users as the old app's SlackUser model reads them: live.
{{ django_profile_view('slack_users', [
    ['username', "''", 'varchar(255)'],
    ['display_name', "''", 'varchar(255)'],
    ['avatar_url', "''", 'varchar(512)'],
], keys=[['slack_user_id', 'varchar(64)']]) }}
