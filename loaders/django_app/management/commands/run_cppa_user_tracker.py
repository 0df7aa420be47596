"""`manage.py run_cppa_user_tracker`: the merge, run from the project's own
schedule (`call_command`) by the operator's installation of cppa-identity.

The project's environment keeps `cppa-identity[django]` alone (psycopg and
Django, no pin of its lock moves); the merge needs `cppa-identity[cli]` (dbt),
installed in an environment of its own. The command runs that environment's
`cppa-identity run` (setting `CPPA_IDENTITY_EXECUTABLE`, else `cppa-identity` on
PATH when it is not this environment's own) and passes its output and exit
status through. The run writes each profile's identity back into the Django
tables in its publish transaction.

Where the project has a collector base command (boost-data-collector's
`core.collectors.command_base.BaseCollectorCommand`, or the class the setting
`CPPA_IDENTITY_COMMAND_BASE` names), the command is one of those: the project's
logging, error classification and phases. Without one it is a plain
`BaseCommand`; nothing of the project is imported when it is absent.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg.conninfo import make_conninfo

from ....errors import CppaIdentityError
from ....ops.schemas import MARTS
from ... import mirror
from ...services import connection

logger = logging.getLogger(__name__)

EXECUTABLE_SETTING = "CPPA_IDENTITY_EXECUTABLE"
MERGE_DSN_SETTING = "CPPA_IDENTITY_MERGE_DSN"
BASE_SETTING = "CPPA_IDENTITY_COMMAND_BASE"
COLLECTOR_SETTING = "CPPA_IDENTITY_COLLECTOR_BASE"
# boost-data-collector's, the project the old app served
KNOWN_BASE = "core.collectors.command_base.BaseCollectorCommand"
KNOWN_COLLECTOR = "core.collectors.base_collector.AbstractCollector"
DSN_ENV = "CPPA_IDENTITY_DSN"
INSTALL_HINT = (
    "install the merge in an environment of its own, e.g. `python3 -m venv /opt/cppa-identity"
    " && /opt/cppa-identity/bin/pip install 'cppa-identity[cli]'`, then name it in the Django"
    f" settings: {EXECUTABLE_SETTING} = '/opt/cppa-identity/bin/cppa-identity'"
    " (nothing is added to this project's environment)"
)


def _resolve(setting: str, known: str) -> type[Any] | None:
    """The class a setting names (a dotted path; empty: none), or, when the setting
    is absent, the known one where the project has it. Only a module that is
    missing altogether counts as absent: a broken one raises."""
    configured = getattr(settings, setting, None)
    path = known if configured is None else str(configured)
    if not path:
        return None
    module_name, _, name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        absent = missing.name is not None and (module_name + ".").startswith(missing.name + ".")
        if configured is None and absent:
            return None
        raise ImproperlyConfigured(f"{setting} = {path!r}: {missing}") from missing
    found = getattr(module, name, None)
    if not isinstance(found, type):
        raise ImproperlyConfigured(f"{setting} = {path!r}: {module_name} has no class {name}")
    return found


def _own_script(path: str) -> bool:
    """Whether `path` is the `cppa-identity` script of this very environment."""
    return Path(path).resolve().parent == Path(sys.executable).resolve().parent or (
        Path(path).resolve().parent == (Path(sys.prefix) / "bin").resolve()
    )


def _cli_extra_here() -> bool:
    try:
        importlib.import_module("dbt.version")
        importlib.import_module("typer")
    except ImportError:
        return False
    return True


def find_executable() -> str | None:
    """The operator's `cppa-identity`: the setting's (which must exist), else one
    on PATH; this environment's own script only where it has the `cli` extra."""
    configured = getattr(settings, EXECUTABLE_SETTING, None)
    if configured:
        found = shutil.which(str(configured))
        if found is None:
            raise CommandError(
                f"{EXECUTABLE_SETTING} = {configured!r}: no such executable; {INSTALL_HINT}"
            )
        return found
    found = shutil.which("cppa-identity")
    if found is None or (_own_script(found) and not _cli_extra_here()):
        return None
    return found


def merge_dsn(using: str) -> str:
    """Where the merge connects: the setting's DSN, else the environment's
    CPPA_IDENTITY_DSN, else Django's own database (one login for everything)."""
    configured = getattr(settings, MERGE_DSN_SETTING, None)
    if configured:
        return str(configured)
    if os.environ.get(DSN_ENV):
        return os.environ[DSN_ENV]
    params = {
        k: str(v)
        for k, v in connections[using].get_connection_params().items()
        if isinstance(v, str | int) and k in ("dbname", "user", "password", "host", "port")
    }
    return make_conninfo(**params)


class Merge:
    """The work of one call: the operator's `cppa-identity run`, or the write-back
    of the last published run; output to the command's streams."""

    def __init__(self, command: BaseCommand, options: dict[str, Any]) -> None:
        self.command = command
        self.options = options

    @property
    def name(self) -> str:
        return "cppa_user_tracker"

    def validate_config(self) -> None:
        if not self.options.get("write_back_only"):
            self.executable = find_executable()

    def collect(self) -> None:
        out, style = self.command.stdout, self.command.style
        if self.options.get("write_back_only"):
            out.write(style.SUCCESS(write_back(self.options["database"])))
            return
        if self.executable is None:
            message = (
                "CPPA User Tracker completed without a merge: no cppa-identity with its `cli`"
                f" extra was found ({EXECUTABLE_SETTING} is not set, none on PATH); {INSTALL_HINT}"
            )
            logger.warning(message)
            out.write(style.WARNING(message))
            return
        argv = [self.executable, "run", *(["--full"] if self.options.get("full") else [])]
        logger.info("run_cppa_user_tracker: %s", " ".join(argv))
        env = os.environ | {DSN_ENV: merge_dsn(self.options["database"])}
        with subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        ) as child:
            output, errors = child.communicate()
        if output:
            out.write(output, ending="")
        if errors:
            self.command.stderr.write(errors, ending="")
        if child.returncode != 0:
            raise CommandError(
                f"the merge failed: `{' '.join(argv)}` exited with status {child.returncode}",
                returncode=child.returncode,
            )
        out.write(style.SUCCESS("CPPA User Tracker completed: the merge ran and wrote back"))

    def run(self) -> None:
        self.validate_config()
        self.collect()


class _Lifecycle:
    """What a project's collector base gives a collector, where there is none."""

    def sync_pinecone(self) -> None:
        return None

    def handle_error(self, exc: BaseException) -> None:
        logger.exception("run_cppa_user_tracker failed: %s", exc)


def write_back(using: str) -> str:
    """Apply the last published run's identities to the Django tables; what it did."""
    try:
        with transaction.atomic(using=using):
            counts = mirror.write_back(connection(using), MARTS)
    except CppaIdentityError as refused:
        raise CommandError(str(refused)) from refused
    if counts is None:
        return "CPPA User Tracker completed: this database has no Django tables to write back to"
    if not counts:
        return (
            "CPPA User Tracker completed: nothing written back, no run has published identities"
            " yet (run the merge first)"
        )
    return (
        "CPPA User Tracker completed: identities of the last published run written back"
        f" ({counts.get('profiles_moved', 0)} profiles moved)"
    )


def _merge_class() -> type[Merge]:
    """`Merge` as one of the project's collectors where it has a collector base
    (its handle_error: logging and failure classification), else with ours."""
    base = _resolve(COLLECTOR_SETTING, KNOWN_COLLECTOR) or _Lifecycle
    return types.new_class("MergeCollector", (Merge, base))


BaseClass: type[BaseCommand] = _resolve(BASE_SETTING, KNOWN_BASE) or BaseCommand
if not issubclass(BaseClass, BaseCommand):
    raise ImproperlyConfigured(f"{BASE_SETTING}: {BaseClass!r} is not a Django BaseCommand")


class Command(BaseClass):
    help = (
        "Merge profiles into identities (the operator's `cppa-identity run`) and write them back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--full", action="store_true", help="rebuild even when nothing changed")
        parser.add_argument(
            "--write-back-only",
            action="store_true",
            help="only apply the last published run's identities to the Django tables",
        )

    def get_collector(self, **options: Any) -> Merge:
        """The project's collector contract (BaseCollectorCommand): run, sync_pinecone,
        handle_error."""
        return _merge_class()(self, options)

    def handle(self, *args: Any, **options: Any) -> None:
        if hasattr(BaseClass, "get_collector"):
            super().handle(*args, **options)  # the project's phases and error handling
            return
        self.get_collector(**options).run()
