"""The drop-in Django app for projects that used `cppa_user_tracker`: app label
`cppa_user_tracker`, the old app's models on real tables Django owns, its
`services` (same functions, same results), its admin and its management command.

    INSTALLED_APPS = [..., "loaders.django_app", ...]   # was "cppa_user_tracker"
    from loaders.django_app import services              # was cppa_user_tracker.services

Every ORM write to these tables is appended to cppa-identity's raw log by
triggers that `migrate` installs (see `mirror`); `cppa-identity run` merges the
log and writes each profile's identity back. Needs `pip install
'cppa-identity[django]'` (psycopg and Django, no dbt).
"""
