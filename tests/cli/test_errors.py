"""One error path: every CppaIdentityError maps to an exit code through one
table, and the README's table says the same."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import loaders
from loaders import errors
from loaders.cli import app
from loaders.cli.app import EXIT_CODES, exit_code

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_exit_code_table_matches_the_code() -> None:
    text = README.read_text()
    section = text[text.index("## Exit codes") :]
    rows = re.findall(r"^\| (\d+) \| `(\w+)`", section, flags=re.M)
    assert rows == [(str(code), kind.__name__) for kind, code, _ in EXIT_CODES]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.RunLocked("busy"), 3),
        (errors.InvalidInput("f", "x", 1, "bad"), 2),
        (errors.UsageError("bad"), 2),
        (errors.DecisionRefused("twice"), 2),
        (errors.ConfigError("bad"), 2),
        (errors.SchemaOutdated("old"), 2),
        (errors.ImportAborted("line 3: bad; nothing was imported"), 5),
        (errors.PermissionDenied("no"), 4),
        (errors.RunCancelled("stopped"), 130),
        (errors.RunFailed("failed"), 1),
        (errors.NotFound("none"), 1),
        (errors.DatabaseUnavailable("down"), 1),
        (errors.TransientConflict("again"), 1),
        (errors.DatabaseError("odd"), 1),
    ],
)
def test_every_error_has_its_exit_code(error: errors.CppaIdentityError, code: int) -> None:
    assert exit_code(error) == code


# what the catch-all row means on purpose: the database failed or is unreachable
CATCH_ALL = {
    errors.CppaIdentityError,
    errors.DatabaseUnavailable,
    errors.TransientConflict,
    errors.DatabaseError,
}
# defined outside loaders.errors (none: ImportAborted moved there)
NOT_YET_IN_ERRORS: set[str] = set()


def _subclasses(kind: type) -> set[type]:
    found = set(kind.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def error_classes() -> set[type]:
    """Every CppaIdentityError subclass the package defines (its modules imported;
    the Django app needs Django settings and defines none)."""
    for module in pkgutil.walk_packages(loaders.__path__, "loaders."):
        if not module.name.startswith("loaders.django_app") and not module.name.endswith(
            "__main__"
        ):
            importlib.import_module(module.name)
    return {c for c in _subclasses(errors.CppaIdentityError) if c.__module__.startswith("loaders")}


def test_every_error_class_has_its_own_exit_code() -> None:
    """Each error class in loaders.errors has a row of its own in EXIT_CODES,
    unless the catch-all means it (CATCH_ALL): an error added without a row,
    ImportAborted before it had one, fails here."""
    classes = {
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.CppaIdentityError)
    }
    rows = {kind for kind, _, _ in EXIT_CODES}
    assert classes - rows - CATCH_ALL == set()
    assert rows <= classes, "a row for a class that loaders.errors does not define"
    assert EXIT_CODES[-1][0] is errors.CppaIdentityError, "the catch-all comes last"


def test_no_error_class_falls_through_to_the_catch_all() -> None:
    """A class defined outside loaders.errors (a module's internal refinement)
    is a subclass of one that has its own row; one that is not would get the
    catch-all code, whatever it means."""
    falling = {
        f"{c.__module__}.{c.__qualname__}"
        for c in error_classes()
        if c.__module__ != "loaders.errors"
        and next(kind for kind, _, _ in EXIT_CODES if issubclass(c, kind)) in CATCH_ALL
    }
    assert falling - NOT_YET_IN_ERRORS == set()
    assert errors.ImportAborted in error_classes()


@pytest.mark.parametrize("command", [["runs"], ["candidates"], ["audit"]])
def test_a_limit_out_of_range_names_the_option(command: list[str]) -> None:
    """A trial by hand: `candidates --limit 99999999999999999999` reached the
    database and said "candidates: value='bigint out of range': rejected by the
    database", naming neither the option nor its value. Refused before any
    connection, naming --limit."""
    result = CliRunner().invoke(app, [*command, "--limit", "9" * 20])
    assert result.exit_code == 2, result.output
    assert "--limit" in result.output and "bigint" not in result.output
