-- GitHub accounts as the old app's GitHubAccount model reads them: live.
{{ django_profile_view('github_accounts', [
    ['username', "''", 'varchar(255)'],
    ['display_name', "''", 'varchar(255)'],
    ['avatar_url', "''", 'varchar(512)'],
    ['account_type', "'user'", 'varchar(20)'],
], keys=[['github_account_id', none]]) }}
