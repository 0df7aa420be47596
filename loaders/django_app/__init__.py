"""The drop-in Django app for projects that used `cppa_user_tracker`: app label
`cppa_user_tracker`, the same model classes (unmanaged, on cppa-identity's live
read-only views) and a `services` module with the same sixteen functions, which
write through the loaders on Django's own connection.

    INSTALLED_APPS = [..., "loaders.django_app", ...]   # was "cppa_user_tracker"
    from loaders.django_app import services              # was cppa_user_tracker.services

Needs `pip install 'cppa-identity[django]'`, Django's psycopg (3) backend and
`cppa-identity config django-compat on` on the database.
"""
