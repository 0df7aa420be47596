"""The CLI's argument parsing under hostile input: whatever the arguments (ids
that are not numbers, huge or signed numbers, bytes that are not UTF-8, empty,
flags where values go), a command ends with a message and a known exit code,
never a traceback."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app

runner = CliRunner()
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "-",
            "--",
            "--5",
            "-1",
            "0",
            "1",
            "9" * 30,
            "1-2",
            "1-",
            "-2",
            "a-b",
            "\udcff\udcfe",
            "x\x00y",
            "%s",
            "' or 1=1 --",
            "é",
            "@",
            "a@b.c",
            "--help",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=12),
)
COMMANDS = st.sampled_from(
    [
        ["show"],
        ["candidates", "--limit"],
        ["candidates", "accept", "--min-score"],
        ["merge"],
        ["different"],
        ["split"],
        ["lock"],
        ["unlock"],
        ["dismiss"],
        ["revoke"],
        ["revoke", "--batch"],
        ["audit", "--evidence"],
        ["conflicts", "--limit"],
        ["export", "--format"],
        ["status", "--json"],
        ["show", "--json"],
    ]
)
EXIT_CODES = {0, 1, 2, 3, 4}
tried = 0


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(command=COMMANDS, values=st.lists(VALUES, max_size=3))
def test_no_argument_gives_a_traceback(
    database: dbmod.Database, command: list[str], values: list[str]
) -> None:
    global tried
    tried += 1
    if tried == 1:  # something to find, the first time
        L.get_or_create_github_account(1, "octo", "Octo Cat")
    result: Any = runner.invoke(app, [*command, *values])
    assert result.exit_code in EXIT_CODES, (command, values, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        command,
        values,
        repr(result.exception),
    )
    assert "Traceback" not in result.output, (command, values, result.output)
