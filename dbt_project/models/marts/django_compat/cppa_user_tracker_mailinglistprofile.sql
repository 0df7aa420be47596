-- Mailing-list posters as the old app's MailingListProfile model reads them: live.
{{ django_profile_view('mailing_list_profiles', [
    ['display_name', "''", 'varchar(255)'],
]) }}
