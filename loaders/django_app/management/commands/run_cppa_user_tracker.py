"""`manage.py run_cppa_user_tracker`: the merge on Django's database, as the
old app's scheduled command promised. With cppa-identity's `cli` extra installed
it runs `cppa-identity run` there (which writes the identities back into these
tables); without it (a collector's environment has no dbt), it writes back the
identities of the last published run and says where the merge runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg.conninfo import make_conninfo

from ... import mirror
from ...services import connection


def _merge_available() -> bool:
    try:
        import dbt.version  # noqa: F401
    except ImportError:
        return False
    return True


class Command(BaseCommand):
    help = "Merge profiles into identities (cppa-identity run) and write them back."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--full", action="store_true", help="rebuild even when nothing changed")
        parser.add_argument(
            "--write-back-only",
            action="store_true",
            help="only apply the last published run's identities to the Django tables",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        if options["write_back_only"] or not _merge_available():
            with transaction.atomic(using=using):
                counts = mirror.write_back(connection(using), "cppa_identity") or {}
            note = (
                ""
                if options["write_back_only"]
                else " (the merge itself needs `pip install 'cppa-identity[cli]'`;"
                " run it with `cppa-identity run` where that is installed)"
            )
            self.stdout.write(
                self.style.SUCCESS(
                    "CPPA User Tracker completed: identities of the last run written back"
                    f" ({counts.get('profiles_moved', 0)} profiles moved){note}."
                )
            )
            return
        from ....db import Database
        from ....ops.runs import run

        params = {
            k: str(v)
            for k, v in connections[using].get_connection_params().items()
            if isinstance(v, str | int) and k in ("dbname", "user", "password", "host", "port")
        }
        summary = run(Database("dsn", make_conninfo(**params)), full=options["full"])
        if summary.outcome == "failed":
            raise CommandError(f"the merge failed (run {summary.run_id}): {summary.error or ''}")
        self.stdout.write(
            self.style.SUCCESS(
                f"CPPA User Tracker completed: run {summary.run_id} {summary.outcome},"
                f" {summary.counts.get('identities', 0)} identities,"
                f" {summary.counts.get('profiles_moved', 0)} profiles moved"
            )
        )
