"""App config: label `cppa_user_tracker`, so `'cppa_user_tracker.GitHubAccount'`
foreign keys and the old migrations' dependencies resolve unchanged."""

from django.apps import AppConfig


class CppaUserTrackerConfig(AppConfig):
    name = "loaders.django_app"
    label = "cppa_user_tracker"
    verbose_name = "CPPA user tracker (cppa-identity)"
    default_auto_field = "django.db.models.BigAutoField"
