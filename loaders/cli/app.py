"""The typer application, its global options, and the one place where errors
become exit codes."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperOption

from .. import __version__
from ..db import close_pool, mask_configured
from ..errors import (
    ConfigError,
    CppaIdentityError,
    DecisionRefused,
    ImportAborted,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RunCancelled,
    RunFailed,
    RunLocked,
    SchemaOutdated,
    UsageError,
)
from ..ops import embedded

app = typer.Typer(
    name="cppa-identity",
    help="One identity per person across the C++ Alliance collectors.\n\n"
    "Example: cppa-identity demo && cppa-identity show 'Jane Doe'",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Exit codes, first match wins (the README's table; tests/cli/test_errors.py checks both).
EXIT_CODES: tuple[tuple[type[CppaIdentityError], int, str], ...] = (
    (RunLocked, 3, "another run holds the run lock"),
    (
        RunCancelled,
        130,
        "Ctrl-C stopped the run (logged `cancelled`); the published marts are unchanged",
    ),
    (InvalidInput, 2, "a value was rejected; nothing was written"),
    (UsageError, 2, "a command was called wrongly (bad option, format or path)"),
    (DecisionRefused, 2, "a decision duplicates or contradicts one in force; nothing recorded"),
    (ConfigError, 2, "the database location or another setting is wrong"),
    (SchemaOutdated, 2, "the raw schema is older than this code: run `cppa-identity init`"),
    (PermissionDenied, 4, "the login's roles do not include this job; nothing was written"),
    (ImportAborted, 5, "`import --strict` stopped at a line it could not apply; nothing imported"),
    (RunFailed, 1, "a model or data test failed; the published marts are unchanged"),
    (NotFound, 1, "nothing matched (no identity, profile or decision; no marts yet)"),
    (CppaIdentityError, 1, "the database failed or could not be reached"),
)


def _flag_without_type(original: Callable[..., str | None]) -> Callable[..., str | None]:
    """typer 0.29 prints `<bool>` after every flag in help (`--json <bool>`,
    `--help <bool>`): a flag takes no value, so none is shown."""

    def display(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag and self.metavar is None else original(self, ctx)

    return display


TyperOption.display_type_rich = _flag_without_type(TyperOption.display_type_rich)  # type: ignore[method-assign]

# --json on every command that prints a result
AsJson = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON (for scripts) instead of text.")
]

F = TypeVar("F", bound=Callable[..., Any])
_state = {"debug": False}


def exit_code(error: CppaIdentityError) -> int:
    """The exit code of an error, from EXIT_CODES."""
    return next(code for kind, code, _ in EXIT_CODES if isinstance(error, kind))


def _check_utf8(name: str, value: Any) -> None:
    """An argument the shell passed as bytes that are not UTF-8 (Python keeps them
    as lone surrogates) is refused by name, before it reaches the database."""
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                shown = item.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                raise UsageError(f"{name.replace('_', '-')} {shown!r} is not valid UTF-8") from None


def handled(function: F) -> F:
    """Print expected errors on stderr with their exit code; no traceback unless --debug."""

    @wraps(function)
    def inner(*args: Any, **kwargs: Any) -> Any:
        try:
            for name, value in kwargs.items():
                _check_utf8(name, value)
            return function(*args, **kwargs)
        except CppaIdentityError as exc:
            if _state["debug"]:
                typer.echo(mask_configured(traceback.format_exc()), err=True, nl=False)
            typer.echo(f"error: {mask_configured(str(exc))}", err=True)
            raise typer.Exit(exit_code(exc)) from None
        except KeyboardInterrupt:
            typer.echo("cancelled", err=True)
            raise typer.Exit(130) from None
        finally:
            close_pool()

    return inner  # type: ignore[return-value]


def echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, default=str, indent=2))


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cppa-identity {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", envvar="CPPA_IDENTITY_DEBUG", help="Show tracebacks for errors."),
    ] = False,
) -> None:
    """One identity per person across the C++ Alliance collectors."""
    _state["debug"] = debug
    embedded.register(default=True)  # nothing set: the CLI's own embedded server
