"""The README's Production section, run as written: its sh blocks line by line
(exports, `VAR=… command` prefixes, `cppa-identity` and `python -c` commands),
its sql block as a superuser, with the test server's host, database and login
names put in for the README's."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from psycopg.conninfo import conninfo_to_dict
from typer.testing import CliRunner

from loaders import db as dbmod
from loaders.cli import app

README = Path(__file__).parent.parent / "README.md"
README_TARGET = "host=db.example.org dbname=identity"
README_OWNER = "identity_owner"


def production_blocks() -> list[tuple[str, str]]:
    text = README.read_text()
    section = text.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(sh|sql)\n(.*?)```", section, re.S)


class Recipe:
    """Runs the README's lines on one test database, remembering what they print."""

    def __init__(self, database: dbmod.Database, conn: Any, monkeypatch: pytest.MonkeyPatch):
        params = conninfo_to_dict(database.conninfo)
        self.dbname = str(params["dbname"])
        self.target = " ".join(
            f"{k}={params[k]}" for k in ("host", "port", "dbname") if k in params
        )
        self.owner = str(params.get("user") or conn.execute("select current_user").fetchone()[0])
        self.conn, self.monkeypatch = conn, monkeypatch
        self.env: dict[str, str] = {}
        self.roles: dict[str, str] = {}  # the README's role names -> this database's
        self.logins: dict[str, str] = {}  # the README's login names -> the test's
        self.outputs: list[tuple[list[str], str, str]] = []  # (argv, login, output)

    def real(self, text: str) -> str:
        text = text.replace(README_TARGET, self.target).replace(
            f"user={README_OWNER}", f"user={self.owner}"
        )
        for ours, theirs in [*self.roles.items(), *self.logins.items()]:
            text = re.sub(rf"\b{re.escape(ours)}\b", theirs, text)
        return text

    def sql(self, block: str) -> None:
        for name in re.findall(r"create role (\w+)", block):
            # named after the database, so that the test's clean-up drops them
            self.logins[name] = f"cppa_{self.dbname}_{name}"
        for statement in filter(None, (s.strip() for s in self.real(block).split(";"))):
            self.conn.execute(statement)

    def sh(self, block: str) -> None:
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if not words:
                continue
            if words[0] == "export":
                key, _, value = words[1].partition("=")
                self.env[key] = self.real(value)
                continue
            env = dict(self.env)
            while "=" in words[0] and words[0].split("=", 1)[0].isupper():
                key, _, value = words.pop(0).partition("=")
                env[key] = self.real(value)
            self.command([self.real(w) for w in words], env)

    def command(self, argv: list[str], env: dict[str, str]) -> None:
        login = str(conninfo_to_dict(env[dbmod.DSN_ENV]).get("user"))
        if argv[0] == "cppa-identity":
            for key, value in env.items():
                self.monkeypatch.setenv(key, value)
            result = CliRunner().invoke(app, argv[1:])
            assert result.exit_code == 0, (argv, login, result.output)
            output = result.stdout
            if argv[1:3] == ["grants", "--json"]:
                names = json.loads(output)
                self.roles = {f"cppa_identity_{job}": role for job, role in names.items()}
        elif argv[0] == "python":
            done = subprocess.run(
                [sys.executable, *argv[1:]],
                env=os.environ | env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, (argv, login, done.stderr)
            output = done.stdout
        else:
            raise AssertionError(f"the README's Production section runs {argv[0]!r}")
        self.outputs.append((argv, login, output))


def test_the_production_section_works_as_written(
    database: dbmod.Database, conn: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = production_blocks()
    assert [kind for kind, _ in blocks] == ["sh", "sql", "sh"]
    recipe = Recipe(database, conn, monkeypatch)
    for kind, block in blocks:
        getattr(recipe, kind)(block)

    # every job ran as its own login
    assert set(recipe.roles) == {f"cppa_identity_{j}" for j in JOBS}
    ran = [(argv[1:2], login) for argv, login, _ in recipe.outputs if argv[0] == "cppa-identity"]
    assert (["run"], recipe.logins["scheduler"]) in ran
    assert (["run"], recipe.logins["scheduler_standby"]) in ran
    runs = conn.execute("select run_by, outcome from cppa_ops.runs order by run_id").fetchall()
    # the owner's smoke run (before `grants`), the scheduler's, and the standby's
    # (nothing new: a no-op)
    assert [r[1] for r in runs] == ["success", "success", "noop"], runs
    assert [r[0] for r in runs] == [
        recipe.owner,
        recipe.logins["scheduler"],
        recipe.logins["scheduler_standby"],
    ]
    decision = conn.execute(
        "select action, decided_by_login from cppa_raw.manual_decisions"
    ).fetchall()
    assert decision == [("same", recipe.logins["ann_reviewer"])]
    shown = next(out for argv, _, out in recipe.outputs if argv[1:2] == ["show"])
    assert "octocat" in shown
    doctor = recipe.outputs[-1]
    assert doctor[0][1:] == ["doctor"] and "FAIL" not in doctor[2]

    # the standby replaces what the scheduler built when there is something to do
    standby = f"{recipe.target} user={recipe.logins['scheduler_standby']}"
    monkeypatch.setenv(dbmod.DSN_ENV, standby)
    assert CliRunner().invoke(app, ["run", "--full", "--quiet"]).exit_code == 0

    # and only its job: each login refused what belongs to another (exit 4)
    def refused(login: str, *args: str) -> None:
        monkeypatch.setenv(dbmod.DSN_ENV, f"{recipe.target} user={recipe.logins[login]}")
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 4, (login, args, result.output)

    before = conn.execute("select count(*) from cppa_raw.manual_decisions").fetchone()
    refused("github_collector", "merge", "1", "2")
    refused("github_collector", "status")
    refused("scheduler", "merge", "1", "2")
    refused("dashboard", "lock", "1")
    refused("dashboard", "run")
    refused("ann_reviewer", "run")
    monkeypatch.setenv(dbmod.DSN_ENV, f"{recipe.target} user={recipe.owner}")
    owner = CliRunner().invoke(app, ["run", "--full"])
    assert owner.exit_code == 4 and recipe.logins["scheduler"] in owner.output, owner.output
    after = conn.execute("select count(*) from cppa_raw.manual_decisions").fetchone()
    assert before == after


JOBS = ("loader", "transformer", "reviewer", "reader")
