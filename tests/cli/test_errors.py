"""One error path: every CppaIdentityError maps to an exit code through one
table, and the README's table says the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loaders import errors
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
        (errors.RunFailed("failed"), 1),
        (errors.NotFound("none"), 1),
        (errors.DatabaseUnavailable("down"), 1),
        (errors.TransientConflict("again"), 1),
        (errors.DatabaseError("odd"), 1),
    ],
)
def test_every_error_has_its_exit_code(error: errors.CppaIdentityError, code: int) -> None:
    assert exit_code(error) == code


def test_every_error_class_is_covered() -> None:
    classes = {
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.CppaIdentityError)
    }
    assert all(any(issubclass(c, kind) for kind, _, _ in EXIT_CODES) for c in classes)
    assert EXIT_CODES[-1][0] is errors.CppaIdentityError, "the catch-all comes last"
