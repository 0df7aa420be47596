"""Run the bundled dbt project in-process against the resolved database.

The profile is written by us (no profiles.yml for users to maintain). What a
run's sessions need beyond it (the password, the role, the watermark, UTC, no
JIT) is given to each of dbt's connections as it opens, looked up by the key
the profile holds in place of the password: the password is never on disk, and
nothing travels through the process's environment, which threads beside the
run (the review pages', a collector's) share.
dbt's target/ and logs/ go to the state directory, never into site-packages or
the cwd.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..db import Database, home, mask
from ..errors import ConfigError
from .project import project_dir
from .schemas import WORK

# A root for every database's dbt state (the test suite and the benchmarks set it
# to a temporary directory); by default it is the home's dbt/ folder.
STATE_ENV = "CPPA_IDENTITY_DBT_STATE"


def write_profile(database: Database, state: Path, session: str = "") -> Path:
    """The dbt profile for `database`. Its password is `session`, the key of what
    each connection gets as it opens (_sessions): a password in the profile would
    be on disk, and one that changed would make dbt parse the project again."""
    params = database.effective_params  # PGDATABASE and the like, as libpq reads them
    output: dict[str, Any] = {
        "type": "postgres",
        "host": params.get("host") or "localhost",
        "port": int(str(params.get("port") or 5432).split(",")[0]),
        "user": params.get("user") or "postgres",
        "password": session,
        "dbname": params.get("dbname") or "postgres",
        "schema": WORK,
        "threads": 2,
        "connect_timeout": 10,
    }
    if params.get("sslmode"):
        output["sslmode"] = params["sslmode"]
    profiles = {"cppa_identity": {"target": "default", "outputs": {"default": output}}}
    state.mkdir(parents=True, exist_ok=True)
    path = state / "profiles.yml"
    path.write_text(json.dumps(profiles, indent=2))  # JSON is valid YAML
    return state


@dataclass(frozen=True)
class _Session:
    """What each connection of one dbt invocation gets as it opens."""

    password: str = field(repr=False)
    settings: tuple[tuple[str, str], ...]


_sessions: dict[str, _Session] = {}  # by the key the profile holds as its password
SESSION_PREFIX = "cppa-identity-session:"


@contextmanager
def _session(key: str, password: str, settings: dict[str, str]) -> Iterator[None]:
    """Register one invocation's session under `key` while it runs."""
    _per_connection_settings()
    _sessions[key] = _Session(password, tuple(settings.items()))
    try:
        yield
    finally:
        del _sessions[key]


def session_settings(watermark: str | None, role: str | None) -> dict[str, str]:
    """The settings of a run's dbt sessions, in the order they are set. dbt
    snapshots stamp rows with the session's local time: UTC. JIT compiles each
    big model query for seconds and wins nothing back on these one-pass queries
    (candidate scoring at 200k profiles: 10.6 s with it, 7.2 s without): off.
    With `role`, the session works as that role (what it builds is the role's);
    `watermark` (a pg_snapshot text) is cppa.watermark, read by the staging
    models."""
    settings = {"TimeZone": "UTC", "jit": "off"}
    if watermark:
        settings["cppa.watermark"] = watermark
    if role:
        settings["role"] = role
    return settings


@dataclass
class DbtResult:
    success: bool
    command: str
    results: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def failures(self) -> list[dict[str, Any]]:
        return [r for r in self.results if r["status"] in ("error", "fail", "runtime error")]


def run_dbt(
    database: Database,
    command: Sequence[str],
    variables: dict[str, Any] | None = None,
    quiet: bool = True,
    on_node: Callable[[str, str, int], None] | None = None,
    watermark: str | None = None,
    role: str | None = None,
) -> DbtResult:
    """Invoke dbt (e.g. ["build"]) in-process; returns a plain summary.

    `watermark` and `role` reach every dbt connection as it opens
    (session_settings), not through the environment. `on_node(name, status,
    total)` hears of each node that finished (total: the build's node count,
    0 until dbt has said). Ctrl-C reaches the caller as KeyboardInterrupt."""
    from dbt.cli.main import dbtRunner

    state = state_dir(database)
    key = f"{SESSION_PREFIX}{uuid.uuid4().hex}"
    try:
        profiles_dir = write_profile(database, state, key)
    except OSError as exc:
        raise ConfigError(f"dbt's state directory {state} is not usable: {exc.strerror}") from None
    args = [
        *command,
        "--project-dir",
        str(project_dir()),
        "--profiles-dir",
        str(profiles_dir),
        "--target-path",
        str(state / "target"),
        "--log-path",
        str(state / "logs"),
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
        "--no-use-colors",
    ]
    if quiet:
        # nothing on the console (a cancel would print dbt's traceback there): the
        # results and the callbacks carry what the caller shows; logs/ keeps all
        args += ["--quiet", "--log-level", "none", "--log-level-file", "debug"]
    if variables:
        args += ["--vars", json.dumps(variables)]
    _cancel_by_request()
    if quiet:
        _silence_until_configured()
    interrupted = _Interrupts()
    password = str(database.effective_params.get("password") or "")
    with _session(key, password, session_settings(watermark, role)), interrupted:
        outcome = dbtRunner(callbacks=[_node_callback(on_node)] if on_node else []).invoke(args)
    results = []
    if outcome.result is not None and hasattr(outcome.result, "results"):
        for r in outcome.result.results:
            node = getattr(r, "node", None)
            results.append(
                {
                    "name": node.name if node is not None else str(getattr(r, "unique_id", "")),
                    "resource_type": str(node.resource_type) if node is not None else "operation",
                    "status": str(r.status),
                    "message": mask(str(r.message or ""), database),
                    "failures": r.failures,
                    "execution_time": r.execution_time,
                }
            )
    if interrupted.seen or isinstance(outcome.exception, KeyboardInterrupt):
        raise KeyboardInterrupt  # dbt caught it; the caller decides what a cancel means
    error = mask(str(outcome.exception), database) if outcome.exception else None
    return DbtResult(bool(outcome.success), " ".join(command), results, error)


class _Interrupts:
    """Remembers a Ctrl-C (SIGINT) that reaches the process while dbt runs, then
    lets it go on as a KeyboardInterrupt: whatever dbt makes of it, the run
    ends cancelled, never published. Only the main thread can hear signals;
    elsewhere (a run started from the review pages) it does nothing."""

    def __init__(self) -> None:
        self.seen = False
        self.previous: Any = None

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if callable(previous):  # not ignored, not the C default
                self.previous = previous
                signal.signal(signal.SIGINT, self._heard)

    def __exit__(self, *_: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)

    def _heard(self, signum: int, frame: Any) -> None:
        self.seen = True
        self.previous(signum, frame)


def _silence_until_configured() -> None:
    """Until dbt has read its flags (--quiet, --log-level none) it logs to stdout
    with a default logger: a Ctrl-C in that first moment printed dbt's traceback
    and "Error uploading artifacts to artifact ingestion API" (its own cleanup,
    which reads flags not yet set). With no logger nothing is said then; dbt
    installs its configured loggers, and the callbacks, once it has its flags."""
    from dbt_common.events.event_manager_client import cleanup_event_logger

    cleanup_event_logger()


def _cancel_by_request() -> None:
    """dbt-postgres cancels a build's queries on Ctrl-C with pg_terminate_backend
    from a session of its own, which works as the run's role and so may not
    signal the login's backends (`must be a member of the role whose process is
    being terminated`): the run failed instead of stopping. Cancel each query
    with the protocol's cancel request on its own connection instead, which
    needs no privilege over another role."""
    from dbt.adapters.postgres.connections import PostgresConnectionManager

    if getattr(PostgresConnectionManager.cancel, "by_request", False):
        return

    def cancel(self: Any, connection: Any) -> None:
        if connection.state != "open":
            return  # never opened, or closed: nothing runs on it
        try:
            connection.handle.cancel()
        except Exception:  # a connection closing under us: nothing left to stop
            return

    cancel.by_request = True  # type: ignore[attr-defined]
    PostgresConnectionManager.cancel = cancel


def _per_connection_settings() -> None:
    """Give each connection dbt-postgres opens its invocation's password and
    settings (_sessions, by the key in the profile's password), committed before
    dbt runs anything on it. dbt-postgres passes no libpq `options` but a
    search_path, so the settings are set once the connection is open."""
    from dbt.adapters.postgres.connections import PostgresConnectionManager

    if getattr(PostgresConnectionManager.open, "per_connection", False):
        return
    open_connection = PostgresConnectionManager.open.__func__
    credentials_of = PostgresConnectionManager.get_credentials.__func__

    def get_credentials(cls: Any, credentials: Any) -> Any:
        credentials = credentials_of(cls, credentials)
        session = _sessions.get(credentials.password)
        if session is None:
            return credentials
        return dataclasses.replace(credentials, password=session.password)

    def open(cls: Any, connection: Any) -> Any:
        opening = connection.state != "open"
        session = _sessions.get(connection.credentials.password)
        connection = open_connection(cls, connection)
        if opening and session is not None and connection.handle is not None:
            calls = ", ".join("set_config(%s, %s, false)" for _ in session.settings)
            values = [value for pair in session.settings for value in pair]
            with connection.handle.cursor() as cursor:
                cursor.execute(f"select {calls}", values)
            connection.handle.commit()
        return connection

    open.per_connection = True  # type: ignore[attr-defined]
    PostgresConnectionManager.get_credentials = classmethod(get_credentials)
    PostgresConnectionManager.open = classmethod(open)


def _node_callback(on_node: Callable[[str, str, int], None]) -> Callable[[Any], None]:
    total = 0

    def callback(event: Any) -> None:
        nonlocal total
        name = event.info.name
        if name == "LogStartLine":
            total = max(total, int(getattr(event.data, "total", 0) or 0))
        elif name == "NodeFinished":
            node = event.data.node_info.node_name
            on_node(node, str(event.data.run_result.status), total)

    return callback


def state_dir(database: Database) -> Path:
    """Where dbt writes target/, logs/ and the profile for this database: one
    directory per database, since dbt parses the project again whenever the
    profile's connection (the database's name included) differs from the one
    its saved parse was made with (3-5 s at every start)."""
    root = os.environ.get(STATE_ENV)
    return (Path(root) if root else home() / "dbt") / _state_key(database)


def _state_key(database: Database) -> str:
    params = database.params
    raw = f"{database.kind}-{params.get('host', '')}-{params.get('port', '')}-{params.get('dbname', '')}"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in raw)[:120]
