"""App config: label `cppa_user_tracker`, so `'cppa_user_tracker.GitHubAccount'`
foreign keys and the old migrations' dependencies resolve unchanged. After every
`migrate` (pytest-django's test databases included, `--no-migrations` or not),
the raw log and its triggers are installed on the database just migrated."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def install_log(sender: AppConfig, using: str = "default", **_: Any) -> None:
    from . import mirror
    from .services import connection

    mirror.install(connection(using))


class CppaUserTrackerConfig(AppConfig):
    name = "loaders.django_app"
    label = "cppa_user_tracker"
    verbose_name = "CPPA User Tracker (cppa-identity)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(install_log, sender=self, dispatch_uid="cppa_identity_install_log")
