-- WG21 paper authors as the old app's WG21PaperAuthorProfile model reads them: live.
{{ django_profile_view('wg21_paper_author_profiles', [
    ['display_name', "''", 'varchar(255)'],
    ['author_alias', "''", 'varchar(255)'],
]) }}
