"""The CLI as people and schedules use it (typer's CliRunner, real database)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

import loaders as L
from loaders import db as dbmod
from loaders.cli import app
from loaders.locks import RUN as RUN_LOCK

from ..helpers import add_row_failing_a_data_test

runner = CliRunner()


def invoke(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (args, result.output)
    return result


def test_version_and_help() -> None:
    assert invoke("--version").stdout.startswith("cppa-identity ")
    for command in (
        "run",
        "status",
        "show",
        "candidates",
        "merge",
        "different",
        "split",
        "lock",
        "unlock",
        "dismiss",
        "revoke",
        "import",
        "export",
        "demo",
        "db",
        "init",
        "grants",
        "conflicts",
        "audit",
        "serve",
        "policy",
    ):
        assert "Example" in invoke(command, "--help").stdout, command
    assert invoke("no-such-command", code=2)
    assert invoke("run", "--wait", "soon", code=2)
    # refused before any database is asked (this one does not exist)
    negative = runner.invoke(
        app, ["run", "--wait", "-5"], env={dbmod.DSN_ENV: "host=/nonexistent dbname=none"}
    )
    assert negative.exit_code == 2 and "greater than or equal to 0" in negative.output


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in getattr(group, "commands", {}).items():
        found += _commands(command, (*path, name))
    return found


def test_help_shows_flags_as_flags_and_says_what_json_does() -> None:
    """No `<bool>` after a flag (it takes no value), and every --json says what it prints."""
    import typer.main

    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 20
    for path in commands:
        shown = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).stdout
        assert "<bool>" not in shown, path
        for line in shown.splitlines():
            if "--json" in line and "Example" not in line:
                assert "JSON" in line.split("--json", 1)[1], (path, line)


def test_a_first_runs_summary_says_how_many_identities_formed() -> None:
    from loaders.cli import format
    from loaders.ops.runs import RunSummary

    counts = {"profiles": 21000, "new_profiles": 21000, "identities": 10173, "merges": 0}
    first = format.run_summary(RunSummary(1, "success", "1:1:", 12.0, counts))
    assert "10173 identities formed from 21000 profiles" in first and "merges" not in first
    later = {**counts, "new_profiles": 5, "merges": 2}
    assert "2 merges" in format.run_summary(RunSummary(2, "success", "1:1:", 1.0, later))


def test_review_session(database: dbmod.Database, conn: Any, tmp_path: Path) -> None:
    assert "already at version" in invoke("init").stdout
    demo = invoke("demo", "--people", "40").stdout
    assert "precision 1.000" in demo
    invoke("demo", "--people", "5", code=2)  # refuses a non-empty database

    status = json.loads(invoke("status", "--json").stdout)
    assert status["schema_version"] == dbmod.latest_version()
    assert status["pending_raw_rows"] == 0 and status["last_run"]["outcome"] == "success"
    assert sum(status["profiles_by_platform"].values()) == status["marts"]["profiles"]
    human = invoke("status").stdout
    assert "(up to date)" in human and "newest raw row" in human and "#1 success" in human

    candidates = json.loads(invoke("candidates", "--json", "--limit", "3").stdout)
    assert candidates and {"candidate_id", "identity_a", "identity_b", "score", "reasons"} <= set(
        candidates[0]
    )
    a, b = candidates[0]["identity_a"], candidates[0]["identity_b"]
    merged = invoke("merge", str(a), str(b), "--reason", "checked", "--run").stdout
    # the decision's merge, and any a comparison makes once the two are one anchor
    assert "decision" in merged and re.search(r"\b[1-9][0-9]* merges", merged), merged
    shown = json.loads(invoke("show", str(a), "--json").stdout)
    assert {p["id"] for p in shown[0]["profiles"]} >= {a, b}
    assert any(h["change_type"] == "merge" for h in shown[0]["history"])
    decision = int(merged.split()[1].rstrip(":"))
    one = invoke("dismiss", f"{a}-{b}", code=2).output  # one identity now: no candidate
    assert f"one identity ({a})" in one and f"cppa-identity different {a} {b}" in one
    merge_line = next(h for h in shown[0]["history"] if h["change_type"] == "merge")
    assert f"manual_same (decision {decision})" in merge_line["evidence"]
    undone = invoke("revoke", str(decision), "--run").stdout
    assert "1 splits" in undone
    history = json.loads(invoke("show", str(a), "--json").stdout)[0]["history"]
    assert [h["evidence"] for h in history if h["change_type"] == "merge"] == [
        merge_line["evidence"]
    ], "the past merge still names its decision after the revoke (history written once)"
    split_line = next(h for h in history if h["change_type"] == "split")
    assert f"lost manual_same (decision {decision})" in split_line["evidence"]
    row = conn.execute(
        "select identity_id from cppa_identity.base_profile where id = %s", (b,)
    ).fetchone()
    assert row[0] == b, "undoing the merge gives the old identity id back"

    invoke("dismiss", f"{a}-{b}", "--run")
    assert all(
        (c["identity_a"], c["identity_b"]) != (a, b)
        for c in json.loads(invoke("candidates", "--json", "--limit", "1000").stdout)
    )
    invoke("lock", str(a))
    invoke("unlock", str(a))
    invoke("different", str(a), str(b))
    invoke("split", str(a))
    invoke("dismiss", "not-a-pair", code=2)
    invoke("merge", str(a), "999999999", code=1)  # nothing found
    invoke("show", "nobody@nowhere.example", code=1)
    by_name = json.loads(invoke("show", shown[0]["display_name"].upper(), "--json").stdout)
    assert a in {ident["id"] for ident in by_name}

    out = tmp_path / "dump.jsonl"
    assert "loader calls" in invoke("export", "--format", "jsonl", "-o", str(out)).stdout
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and {"loader", "args", "ref"} <= set(lines[0])
    assert {"record_decision", "add_email"} <= {line["loader"] for line in lines}
    redacted = invoke("export", "--format", "csv", "--redact-emails").stdout
    assert "redacted:" in redacted and "@" not in redacted
    assert "<" in invoke("export", "--format", "mailmap").stdout
    invoke("export", "--format", "xml", code=2)

    listing = invoke("candidates", "--limit", "3").stdout
    assert "by reason: " in listing and "by score: " in listing

    # accepting candidates in bulk: one batch, a dry run writes nothing, undo in one call
    everything = json.loads(invoke("candidates", "--json", "--limit", "100000").stdout)
    expected = [c for c in everything if any(r.startswith("same_name:") for r in c["reasons"])]
    count = "select count(*) from cppa_raw.manual_decisions"
    before = conn.execute(count).fetchone()[0]
    dry = json.loads(
        invoke(
            "candidates",
            "accept",
            "--min-score",
            "0",
            "--reason",
            "same_name",
            "--dry-run",
            "--json",
        ).stdout
    )
    assert len(dry["accepted"]) == len(expected) > 0 and dry["batch"] is None
    assert conn.execute(count).fetchone()[0] == before
    # ... and uses up no decision or batch id
    ids = "select last_value, is_called from cppa_raw.{}"
    seq = conn.execute("select pg_get_serial_sequence('cppa_raw.manual_decisions', 'decision_id')")
    decision_seq = seq.fetchone()[0].split(".")[-1]
    used = [conn.execute(ids.format(s)).fetchone() for s in (decision_seq, "decision_batch_seq")]
    invoke("candidates", "accept", "--min-score", "0", "--dry-run")
    assert [
        conn.execute(ids.format(s)).fetchone() for s in (decision_seq, "decision_batch_seq")
    ] == used
    done = json.loads(
        invoke("candidates", "accept", "--min-score", "0", "--reason", "same_name", "--json").stdout
    )
    assert [c["candidate_id"] for c in done["accepted"]] == [c["candidate_id"] for c in expected]
    recorded = conn.execute(
        "select count(*) from cppa_raw.manual_decisions where batch_id = %s and action = 'same'",
        (done["batch"],),
    ).fetchone()[0]
    assert recorded == len(expected)
    again = json.loads(
        invoke("candidates", "accept", "--min-score", "0", "--reason", "same_name", "--json").stdout
    )
    assert not again["accepted"] and len(again["refused"]) == len(expected)
    undone = invoke("revoke", "--batch", str(done["batch"])).stdout
    assert f"undid the {len(expected)} decisions of batch {done['batch']}" in undone
    assert "between 0 and 1" in invoke("candidates", "accept", "--min-score", "1.5", code=2).output
    assert (
        "must be one of"
        in invoke("candidates", "accept", "--min-score", "0.5", "--reason", "hunch", code=2).output
    )
    audited = json.loads(invoke("audit", "--evidence", "probable_match", "--json").stdout)
    assert audited and {r["evidence"] for r in audited} == {"probable_match"}
    assert "must be one of" in invoke("audit", "--evidence", "hunch", code=2).output

    # hostile edges: no traceback, clear refusals, honest truncation
    for blank in ("", "   "):
        assert "needs something to look for" in invoke("show", blank, code=2).output
    assert invoke("candidates", "--limit", "0", code=2)
    bad = invoke("export", "-o", str(tmp_path / "no" / "such" / "dir.jsonl"), code=2)
    assert "cannot write" in bad.output and "Traceback" not in bad.output
    matched = json.loads(invoke("show", str(a), "--json").stdout)
    assert "id" in matched[0]["matched_by"]
    everyone = conn.execute(
        "select display_name from cppa_identity.identity_profile"
        " group by display_name order by count(distinct identity_id) desc limit 1"
    ).fetchone()[0]
    total = conn.execute(
        "select count(distinct identity_id) from cppa_identity.identity_profile"
        " where lower(display_name) = lower(%s)",
        (everyone,),
    ).fetchone()[0]
    shown_all = invoke("show", everyone).stdout
    assert shown_all.count("(matched by") == min(total, 20)
    assert ("showing 20 of" in shown_all) == (total > 20)


def test_csv_export_neutralises_formulas(database: dbmod.Database, tmp_path: Path) -> None:
    L.get_or_create_mailing_list_profile('=HYPERLINK("http://x")', "+1@evil.example")
    L.get_or_create_mailing_list_profile("-2+3", "@at@evil.example")
    L.get_or_create_mailing_list_profile("Padded Person", "  padded@x.example  ")
    invoke("run")
    assert "Padded Person <padded@x.example>" in invoke("export", "--format", "mailmap").stdout
    safe = invoke("export", "--format", "csv").stdout
    cells = [cell for line in safe.splitlines()[1:] for cell in line.split(",")]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "-", "@"))], cells
    assert "'=HYPERLINK" in safe and "'-2+3" in safe and "'+1@evil.example" in safe
    raw = invoke("export", "--format", "csv", "--raw-csv").stdout
    assert '"=HYPERLINK(""http://x"")"' in raw and ",-2+3," in raw


def test_unusable_home_is_a_config_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.delenv(dbmod.DSN_ENV, raising=False)
    monkeypatch.setenv(dbmod.HOME_ENV, str(blocker / "home"))
    result = invoke("status", code=2)
    assert "CPPA_IDENTITY_HOME" in result.output and "Traceback" not in result.output


def test_run_exit_codes(database: dbmod.Database, conn: Any) -> None:
    summary = json.loads(invoke("run", "--json").stdout)
    assert summary["outcome"] == "success" and set(summary["counts"]) >= {
        "profiles",
        "identities",
        "merges",
        "splits",
        "new_candidates",
        "conflicts",
        "test_failures",
    }
    assert json.loads(invoke("run", "--json").stdout)["outcome"] == "noop"
    with psycopg.connect(database.conninfo, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", (RUN_LOCK,))
        result = invoke("run", "--wait", "0.5", code=3)
        assert "another `cppa-identity run`" in result.output
    # a failing data test: the run fails and the previous marts stay published
    add_row_failing_a_data_test(conn)
    failed = invoke("run", code=1)
    assert "FAILED" in failed.output and "int_emails_collapsed" in failed.output
    assert conn.execute("select count(*) from cppa_identity.base_profile").fetchone()[0] == 0


def test_tracebacks_only_with_debug(database: dbmod.Database) -> None:
    before_any_run = invoke("show", "jane", code=1)  # nothing found: no marts yet
    assert "run `cppa-identity run` first" in before_any_run.output
    invoke("candidates", code=1)
    invoke("run")
    plain = invoke("show", "nobody@nowhere.example", code=1)
    assert "Traceback" not in plain.output and "error: no identity matches" in plain.output
    debug = invoke("--debug", "show", "nobody@nowhere.example", code=1)
    assert "Traceback" in debug.output


def test_grants_is_idempotent_and_names_roles_per_database(
    database: dbmod.Database, conn: Any
) -> None:
    dbname = conn.execute("select current_database()").fetchone()[0]
    first = json.loads(invoke("grants", "--json").stdout)
    assert first == {
        job: f"cppa_{dbname}_{job}" for job in ("loader", "transformer", "reviewer", "reader")
    }
    assert first["loader"] in invoke("grants").stdout  # again: same roles
    roles = conn.execute(
        "select count(*) from pg_roles where rolname = any(%s)", (list(first.values()),)
    ).fetchone()[0]
    assert roles == 4
    # another prefix for a database that has its roles is refused, nothing changes
    other = invoke("grants", "--prefix", "cppa_other_", code=2)
    assert first["loader"] in other.stderr
    assert conn.execute(
        "select count(*) from pg_roles where rolname like 'cppa\\_other\\_%'"
    ).fetchone() == (0,)
    invoke("grants", "--prefix", "Bad-Prefix", code=2)


def test_db_commands_refuse_a_dsn(database: dbmod.Database) -> None:
    assert "dbname=" in invoke("db").stdout
    invoke("db", "stop", code=2)
    invoke("db", "reset", "--yes", code=2)


def test_db_commands_on_embedded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(dbmod.DSN_ENV, raising=False)
    monkeypatch.setenv(dbmod.HOME_ENV, str(tmp_path / "home"))
    assert "embedded PostgreSQL" in invoke("db").stdout
    invoke("db", "reset", code=2)
    assert "stopped" in invoke("db", "stop").stdout
    assert "deleted" in invoke("db", "reset", "--yes").stdout
    assert not (tmp_path / "home" / "pgdata").exists()


def test_import_reports_bad_lines(database: dbmod.Database, tmp_path: Path) -> None:
    calls = tmp_path / "calls.jsonl"
    calls.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "loader": "get_or_create_youtube_speaker",
                        "args": {"external_id": "UC1", "display_name": "A B"},
                    }
                ),
                "{not json",
                json.dumps(
                    {"loader": "get_or_create_github_account", "args": {"github_account_id": "x"}}
                ),
                json.dumps({"loader": "os.system", "args": {}}),
                json.dumps(
                    {"loader": "add_email", "args": {"profile": 1, "email": "a@b.c", "bogus": 1}}
                ),
            ]
        )
        + "\n"
    )
    # ImportAborted (loaders.errors): its own exit code, 5
    strict = invoke("import", str(calls), "--strict", code=5)
    assert "nothing was imported" in strict.output
    report = json.loads(invoke("import", str(calls), "--json", code=1).stdout)
    assert report["imported"] == 1 and [e["line"] for e in report["errors"]] == [2, 3, 4, 5]
    mailmap = tmp_path / ".mailmap"
    mailmap.write_text(
        "Jane Doe <jane@doe.example>\n"
        "Jane Doe <jane@doe.example> Janie <janie@laptop.local>\n"
        "<jane@doe.example> <jd@old.example>\n"
        "garbage line\n"
    )
    result = invoke("import", str(mailmap), code=1)
    assert ".mailmap:4" in result.output and "imported 3 of 4" in result.output
    assert "as mailmap (by its name)" in result.output
    batch = re.search(r"revoke --batch (\d+)", result.output)
    assert batch and "recorded 2 same-person decisions" in result.output
    # format: CSV is export-only, stdin and unknown names need --format
    table = tmp_path / "identities.csv"
    table.write_text("identity_id,profile_id\n1,1\n")
    assert "export-only" in invoke("import", str(table), code=2).output
    assert "export-only" in invoke("import", "-", "--format", "csv", code=2).output
    assert "needs --format" in invoke("import", "-", code=2).output
    assert "cannot tell the format" in invoke("import", str(tmp_path / "data.txt"), code=2).output
    ana, _ = L.get_or_create_mailing_list_profile("Ana Buch", "ana@b\u00fccher.de")
    invoke("run")
    for query in ("Ana@B\u00fccher.de", "ana@xn--bcher-kva.de", "ana@bu\u0308cher.de"):
        found = json.loads(invoke("show", query, "--json").stdout)
        assert [p["id"] for p in found[0]["profiles"]] == [ana.id], query
    shown = json.loads(invoke("show", "janie@laptop.local", "--json").stdout)
    emails = {e for p in shown[0]["profiles"] for e in p["emails"]}
    assert {"jane@doe.example", "janie@laptop.local", "jd@old.example"} <= emails
    names = {p["display_name"] for p in shown[0]["profiles"]}
    assert "unknown" not in names, "a mailmap entry without a name is not an unknown author"
    undone = invoke("revoke", "--batch", batch.group(1)).stdout
    assert "undid the 2 decisions of batch" in undone
    assert "already undone" in invoke("revoke", "--batch", batch.group(1), code=2).output
    assert "one of them" in invoke("revoke", code=2).output
    invoke("import", str(tmp_path / "missing.jsonl"), code=2)


def test_decisions_refuse_nonsense_and_undo_is_honest(database: dbmod.Database, conn: Any) -> None:
    """Duplicates, contradictions, self-pairs and undoing nothing are refused with
    exit 2 and nothing recorded; an undo says what it undid."""
    a, _ = L.get_or_create_youtube_speaker("UC-a", "A")
    b, _ = L.get_or_create_youtube_speaker("UC-b", "B")

    def recorded() -> int:
        return conn.execute("select count(*) from cppa_raw.manual_decisions").fetchone()[0]

    merged = invoke("merge", str(a.id), str(b.id)).stdout
    decision = int(merged.split()[1].rstrip(":"))
    assert f"undo: cppa-identity revoke {decision}" in merged
    before = recorded()
    refusals = {
        ("merge", str(a.id), str(a.id)): "two different ids",
        ("merge", str(b.id), str(a.id)): "already the same person",
        ("different", str(a.id), str(b.id)): f"revoke {decision}",
        ("unlock", str(a.id)): "is not locked",
        ("revoke", "999999"): "no decision 999999",
    }
    for args, message in refusals.items():
        result = invoke(*args, code=1 if args[0] == "revoke" else 2)
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output and "record_decision" not in result.output
    assert recorded() == before, "a refused decision wrote a row"

    invoke("lock", str(a.id))
    assert "already locked" in invoke("lock", str(a.id), code=2).output
    invoke("unlock", str(a.id))
    # a split cannot undo a decision: the "same" that holds b is named
    held = invoke("split", str(b.id), code=2).output
    assert f"held by decision {decision} (same" in held and f"revoke {decision}" in held
    c, _ = L.get_or_create_youtube_speaker("UC-c", "C")
    d, _ = L.get_or_create_youtube_speaker("UC-d", "D")
    invoke("split", str(d.id))
    assert "already split" in invoke("split", str(d.id), code=2).output
    # inside a lock nothing can be locked apart, split off, merged out or told apart
    lock = L.record_decision("lock", c.id, members=[c.id, d.id])
    before = recorded()
    for args in (
        ("lock", str(d.id)),
        ("split", str(c.id)),
        ("merge", str(d.id), str(a.id)),
        ("different", str(c.id), str(d.id)),
    ):
        out = invoke(*args, code=2).output
        assert f"which decision {lock.id} locked" in out and f"unlock {c.id}" in out, (args, out)
    assert "already the same person" in invoke("merge", str(c.id), str(d.id), code=2).output
    assert recorded() == before
    invoke("unlock", str(c.id))
    invoke("lock", str(d.id))  # once unlocked, it may

    undone = invoke("revoke", str(decision)).stdout
    undo = int(undone.split()[1].rstrip(":"))
    assert f"undid decision {decision} (same {a.id} {b.id})" in undone
    assert "undo: cppa-identity revoke" not in undone, "no undo hint that would do nothing"
    assert "already undone" in invoke("revoke", str(decision), code=2).output
    assert "itself an undo" in invoke("revoke", str(undo), code=2).output
    # after the undo, the contradicting decision is allowed, and the same again too
    invoke("different", str(a.id), str(b.id))
    assert "already different people" in invoke("different", str(b.id), str(a.id), code=2).output


def test_odd_arguments_and_unwritable_outputs_get_messages(
    database: dbmod.Database, tmp_path: Path
) -> None:
    """Bytes that are not UTF-8, a full disk, an I/O error, a directory: a
    message and exit 2, never a traceback; the JSON Lines export needs no run."""
    account, _ = L.get_or_create_github_account(31, "odd")
    odd = invoke("show", "\udcff\udcfe", code=2)
    assert "is not valid UTF-8" in odd.output and "Traceback" not in odd.output
    dumped = invoke("export", "-o", str(tmp_path / "dump.jsonl"))  # before any run
    assert "wrote" in dumped.output and (tmp_path / "dump.jsonl").read_text().count("\n") >= 1
    for target in ("/dev/full", "/proc/version", str(tmp_path)):  # ENOSPC, EIO, a directory
        result = invoke("export", "-o", target, code=2)
        assert f"cannot write {target}" in result.output, result.output
        assert "Traceback" not in result.output
    with pytest.raises(L.InvalidInput, match=r"record_decision: revokes=True"):
        L.record_decision("revoke", revokes=True)
    with pytest.raises(L.InvalidInput, match=r"add_email: base_profile='--5': must be a number"):
        L.add_email("--5", "a@b.org")
    assert account.id


def test_import_stays_safe_on_hostile_files(
    database: dbmod.Database, conn: Any, tmp_path: Path
) -> None:
    """A byte-order mark, a line nested 100,000 deep, a line too long, Latin-1
    bytes, and input that never ends: each bad line is reported by number and the
    good ones are kept; nothing is stored as U+FFFD; no traceback."""

    def speaker(n: int, name: str = "A B") -> bytes:
        line = {
            "loader": "get_or_create_youtube_speaker",
            "args": {"external_id": f"UC{n}", "display_name": name},
        }
        return json.dumps(line, ensure_ascii=False).encode() + b"\n"

    hostile = tmp_path / "hostile.jsonl"
    hostile.write_bytes(
        b"\xef\xbb\xbf"
        + speaker(1)
        + b"[" * 100_000
        + b"]" * 100_000
        + b"\n"
        + b'{"loader": "x", "pad": "'
        + b"p" * (2 << 20)
        + b'"}\n'
        + speaker(2, "café").replace("café".encode(), "café".encode("latin-1"))
        + speaker(3, "Zoë")
    )
    result = invoke("import", str(hostile), "--json", code=1)
    report = json.loads(result.stdout)
    assert report["imported"] == 2, report
    assert [e["line"] for e in report["errors"]] == [2, 3, 4], report
    assert "nested too deeply" in report["errors"][0]["error"]
    assert "longer than" in report["errors"][1]["error"]
    assert "not utf-8" in report["errors"][2]["error"]
    names = conn.execute(
        "select display_name from cppa_raw.youtube_speakers order by observation_id"
    ).fetchall()
    assert names == [("A B",), ("Zoë",)]
    latin = tmp_path / "latin1.jsonl"
    latin.write_bytes(speaker(4, "café").replace("café".encode(), "café".encode("latin-1")))
    invoke("import", str(latin), "--encoding", "latin-1")
    assert conn.execute(
        "select display_name from cppa_raw.youtube_speakers where external_id = 'UC4'"
    ).fetchone() == ("café",)
    endless = invoke("import", "/dev/zero", "--format", "jsonl", "--json", code=1)
    assert "no file of lines" in json.loads(endless.stdout)["errors"][0]["error"]
    assert "Traceback" not in result.output + endless.output


ADDRESS = re.compile(r"[^\s<>\"']+@[^\s<>\"']+")


def test_redaction_leaves_no_address_in_any_format(
    database: dbmod.Database, conn: Any, tmp_path: Path
) -> None:
    """Addresses hide in names, logins, declared identities and decision reasons
    too: a redacted export in every format holds none, nor any known address; the
    hash is keyed (another key, other hashes), stable for one key."""
    known = ["ann@lists.example.org", "Bob.Two@corp.example", "slack-name@chat.example"]
    poster, _ = L.get_or_create_mailing_list_profile(known[0], known[0])  # a name that is one
    slack, _ = L.get_or_create_slack_user(
        {"id": "U9", "name": known[2], "real_name": f"Bob <{known[1]}>"}
    )
    L.add_email(slack, known[1])
    declared = L.create_identity(f"owner of {known[1]}")
    L.get_or_create_github_account(909, known[2], "G", identity=declared)
    L.record_decision("same", poster, slack, reason=f"checked with {known[0]}")
    from loaders.ops.runs import run

    assert run(database, full=True).outcome == "success"
    outputs = {
        fmt: invoke("export", "--format", fmt, "--redact-emails").stdout
        for fmt in ("jsonl", "csv", "mailmap")
    }
    for fmt, text in outputs.items():
        assert "redacted:" in text, fmt
        assert not ADDRESS.search(text), (fmt, ADDRESS.search(text))
        for address in known:
            assert address.lower() not in text.lower(), (fmt, address)
    again = invoke("export", "--format", "jsonl", "--redact-emails").stdout
    other = invoke("export", "--format", "jsonl", "--redact-emails", "--redact-key", "k2").stdout
    assert again == outputs["jsonl"] and other != again


def test_a_long_import_says_how_far_it_got(database: dbmod.Database, tmp_path: Path) -> None:
    """Off a terminal (a schedule's log), a line every 10,000 lines read."""
    long = tmp_path / "long.mailmap"
    long.write_text("# a comment\n" * 20_000 + "Ann <ann@x.example>\n")
    said = invoke("import", str(long))
    assert "… 10000 lines read" in said.stderr and "… 20000 lines read" in said.stderr
    assert "imported 1 of 20001 lines" in said.stdout
    assert "lines read" not in invoke("import", str(long), "--json").stderr


def test_an_import_into_a_database_that_holds_rows_adds_nothing_twice(
    database: dbmod.Database, tmp_path: Path
) -> None:
    """The lookups an import into an empty database skips still guard one into a
    database that holds the rows: the same dump twice writes its rows once."""
    L.get_or_create_github_account(5, "octo", "Octo Cat")
    profile, _ = L.get_or_create_mailing_list_profile("Ann", "ann@x.example")
    L.add_email(profile, "ann@y.example")
    dump = tmp_path / "dump.jsonl"
    invoke("export", "-o", str(dump))
    with psycopg.connect(database.conninfo) as conn:
        before = conn.execute("select count(*) from cppa_raw.emails").fetchone()[0]
    invoke("import", str(dump))
    with psycopg.connect(database.conninfo) as conn:
        assert conn.execute("select count(*) from cppa_raw.emails").fetchone()[0] == before
