"""`manage.py cppa_identity_move_in`: for a database the old app filled, append
every row of its tables that cppa-identity's log has not seen (profile ids kept,
colliding identity ids renumbered). Idempotent: a second call appends nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, transaction

from ....errors import CppaIdentityError
from ... import mirror
from ...services import connection


class Command(BaseCommand):
    help = "Load the rows the old cppa_user_tracker tables hold into cppa-identity's raw log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic(using=options["database"]):
                counts = mirror.move_in(connection(options["database"]))
        except CppaIdentityError as refused:
            raise CommandError(str(refused)) from refused
        done = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
        self.stdout.write(f"moved in: {done}" if done else "moved in: nothing new")
