"""Data in and out: the JSON Lines dump rebuilds what it was taken from, and a
.mailmap is read as git reads it."""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

import loaders as L
from loaders import db as dbmod
from loaders.decisions import revoke_batch
from loaders.errors import DecisionRefused, NotFound
from loaders.mailing_list_profiles import natural_key
from loaders.ops import calls, sample, transfer
from loaders.ops.project import raw_tables
from loaders.ops.runs import run

# --- the .mailmap grammar ---------------------------------------------------------------

# line -> (proper, commit) as git reads it (`git help gitmailmap`, mailmap.c)
GIT_READS = {
    "Proper Name <commit@x.example>": (("Proper Name", "commit@x.example"), None),
    "<proper@x.example> <commit@x.example>": (
        (None, "proper@x.example"),
        (None, "commit@x.example"),
    ),
    "Proper Name <proper@x.example> <commit@x.example>": (
        ("Proper Name", "proper@x.example"),
        (None, "commit@x.example"),
    ),
    "Proper Name <proper@x.example> Commit Name <commit@x.example>": (
        ("Proper Name", "proper@x.example"),
        ("Commit Name", "commit@x.example"),
    ),
    # no second address: git keeps the first entry and ignores the rest
    "Proper Name <proper@x.example> Commit Name": (("Proper Name", "proper@x.example"), None),
    "Proper Name <proper@x.example>   # trailing remark": (
        ("Proper Name", "proper@x.example"),
        None,
    ),
    "  Spaced   Out  \t<proper@x.example>\t<commit@x.example> ": (
        ("Spaced   Out", "proper@x.example"),
        (None, "commit@x.example"),
    ),
    "Proper Name <proper@x.example> Nobody <>": (
        ("Proper Name", "proper@x.example"),
        ("Nobody", ""),
    ),
    "# Proper Name <proper@x.example>": None,
    "   ": None,
    "": None,
}
GIT_IGNORES = ["Proper Name", "Proper Name <>", "Proper Name <unclosed@x.example", "no brackets"]


def test_mailmap_lines_are_read_as_git_reads_them() -> None:
    for line, expected in GIT_READS.items():
        assert transfer.parse_mailmap_line(line + "\n") == expected, line
    for line in GIT_IGNORES:
        with pytest.raises(ValueError, match="git ignores this line"):
            transfer.parse_mailmap_line(line)


@pytest.mark.skipif(shutil.which("git") is None, reason="git itself is the oracle here")
def test_git_agrees_with_the_expected_readings(tmp_path: Path) -> None:
    """git check-mailmap maps each commit identity of GIT_READS where the table says
    (the table above is always checked; this checks the table against git)."""
    mailmap = tmp_path / "mailmap"
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    for line, expected in GIT_READS.items():
        if expected is None:
            continue
        mailmap.write_text(line + "\n")  # one line per file: lines share addresses
        (proper_name, proper_email), commit = expected
        commit_name, commit_email = commit or (proper_name, proper_email)
        if not commit_email:
            continue  # git check-mailmap cannot be asked about an empty address
        asked = f"{commit_name or 'Someone'} <{commit_email}>"
        answer = subprocess.run(
            ["git", "-c", f"mailmap.file={mailmap}", "check-mailmap", asked],
            cwd=tmp_path / "repo",
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert answer == f"{proper_name or commit_name or 'Someone'} <{proper_email}>", asked


# A mailmap shaped like real ones: every line form, comments, a relay, namesakes.
MAILMAP = """\
# Project contributors
Ada Quill <ada@quill.example>
Ada Quill <ada@quill.example> <ada@old-job.example>
Ada Quill <ada@quill.example> Ada Q <ada.q@laptop.local>
<ben@stone.example> <b.stone@uni.example>   # moved on
Ben Stone <ben@stone.example> Ben Stone
Cleo Marsh <cleo@marsh.example> Cleo Marsh via GitGitGadget <gitgitgadget@bridge.example>
Dov Pratt <dov@pratt.example> Dov Pratt via GitGitGadget <gitgitgadget@bridge.example>
John Smith <john@acme.example>
John Smith <jsmith@othercorp.example>
Ada Quill <ada@quill.example> <ada@old-job.example>
not a mailmap line
"""


def _profiles(conn: psycopg.Connection[Any]) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        "select p.base_profile_id, m.display_name, p.natural_key from cppa_raw.profiles as p"
        " join cppa_raw.mailing_list_profiles as m using (base_profile_id)"
    ).fetchall()
    return {(name, json.loads(key)[1]): pid for pid, name, key in rows}


def test_mailmap_import_gives_each_identity_a_profile_and_mappings_a_batch(
    database: dbmod.Database, conn: psycopg.Connection[Any]
) -> None:
    report = transfer.import_mailmap(conn, io.StringIO(MAILMAP))
    assert report.lines == 12 and report.ignored == 1
    assert [n for n, _ in report.errors] == [12]
    profiles = _profiles(conn)
    # each distinct (name, email) is its own profile; namesakes are not joined
    assert ("John Smith", "john@acme.example") in profiles
    assert ("John Smith", "jsmith@othercorp.example") in profiles
    assert ("Cleo Marsh via GitGitGadget", "gitgitgadget@bridge.example") in profiles
    assert ("Dov Pratt via GitGitGadget", "gitgitgadget@bridge.example") in profiles
    # a nameless entry takes the other entry's name, as git keeps the commit's name
    assert ("Ada Quill", "ada@old-job.example") in profiles
    assert ("b.stone@uni.example", "b.stone@uni.example") in profiles
    assert len(profiles) == 12
    decisions = conn.execute(
        "select reason, batch_id, node_a, node_b from cppa_raw.manual_decisions"
        " where action = 'same' order by decision_id"
    ).fetchall()
    # lines 3, 4, 5, 7, 8 map; line 6 names one identity; line 11 repeats line 3
    assert [r[0] for r in decisions] == [f"mailmap line {n}" for n in (3, 4, 5, 7, 8)]
    assert {r[1] for r in decisions} == {report.batch} and report.decisions == 5
    again = transfer.import_mailmap(conn, io.StringIO(MAILMAP))
    assert again.decisions == 0 and again.batch is None
    undone = revoke_batch(report.batch)  # type: ignore[arg-type]
    assert sorted(d.revokes for d in undone) == sorted(  # type: ignore[type-var]
        r[0]
        for r in conn.execute(
            "select decision_id from cppa_raw.manual_decisions where batch_id = %s",
            (report.batch,),
        )
    )
    with pytest.raises(DecisionRefused, match="already undone"):
        revoke_batch(report.batch)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no batch"):
        revoke_batch(999_999)


def test_redaction_hides_one_address_behind_one_token() -> None:
    """Spellings the merge reads as one address (case, spaces, NFC, an IDNA domain)
    redact to one token; another address to another."""
    redact = transfer.Redactor(b"key")
    spellings = [
        " Jane@B\u00fccher.example",
        "jane@bu\u0308cher.example",
        "jane@xn--bcher-kva.example",
    ]
    assert len({redact.address(s) for s in spellings}) == 1
    assert redact.address("jane@bucher.example") != redact.address(spellings[0])


# --- the JSON Lines round trip ------------------------------------------------------------

PARTITION = """
select n.identity_id, p.platform,
    coalesce('unknown author ' || u.author_name, p.natural_key) as profile_key,
    coalesce((select json_agg(json_build_array(e.email, e.is_primary, e.is_active)
        order by e.email, e.is_primary, e.is_active)
        from cppa_identity.email as e where e.base_profile_id = p.base_profile_id), '[]')::text
from cppa_raw.profiles as p
join cppa_identity.identity_node as n on n.node_id = p.base_profile_id
left join cppa_raw.unknown_github_authors as u
    on p.platform = 'github' and u.github_account_id::text = p.natural_key
"""


def partition(conninfo: str) -> set[frozenset[tuple[str, str, str]]]:
    """Identities as sets of (platform, key, emails): comparable across databases."""
    groups: dict[int, set[tuple[str, str, str]]] = {}
    with psycopg.connect(conninfo) as conn:
        for identity, platform, key, emails in conn.execute(PARTITION):
            groups.setdefault(identity, set()).add((platform, key, emails))
    return {frozenset(g) for g in groups.values()}


def canonical(lines: list[str]) -> list[str]:
    """Dump lines with refs renamed in order of appearance (ids differ between
    databases, the calls must not)."""
    names: dict[str, int] = {}

    def rename(m: re.Match[str]) -> str:
        number = names.setdefault(m.group(2) + m.group(3), len(names))
        return f'"{m.group(1)}": "{m.group(2)}{number}"'

    return [re.sub(r'"(ref|batch)": "([a-z])(\d+)"', rename, line) for line in lines]


def dump_lines(conninfo: str) -> list[str]:
    out = io.StringIO()
    with psycopg.connect(conninfo) as conn:
        transfer.write_lines(calls.dump(conn), out)
    return out.getvalue().splitlines()


@contextlib.contextmanager
def _clone(admin_conninfo: str, template_db: str, name: str) -> Iterator[dbmod.Database]:
    """A migrated database of the test server's, dropped afterwards."""
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template_db)
            )
        )
    try:
        yield dbmod.Database("dsn", make_conninfo(admin_conninfo, dbname=name))
    finally:
        dbmod.close_pool()
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))


@pytest.fixture
def second_database(admin_conninfo: str, template_db: str) -> Iterator[dbmod.Database]:
    # one name per test process: suites of other checkouts share the server
    with _clone(admin_conninfo, template_db, f"cppa_test_round_trip_{os.getpid()}") as second:
        yield second


def raw_table_rows(conn: psycopg.Connection[Any], table: str) -> list[str]:
    """A raw table's rows, without the columns a write stamps (when, which
    transaction), in a stable order."""
    rows = conn.execute(
        sql.SQL("select to_jsonb(t) - 'loaded_at' - 'loaded_xid' from cppa_raw.{} as t").format(
            sql.Identifier(table)
        )
    ).fetchall()
    return sorted(json.dumps(r[0], sort_keys=True) for r in rows)


def assert_second_import_adds_nothing(target: Any, lines: list[str]) -> None:
    """Importing the same dump again imports every line and adds not a row to
    any raw table (`target`: a connection or a conninfo)."""
    if isinstance(target, str):
        with psycopg.connect(target, autocommit=True) as conn:
            assert_second_import_adds_nothing(conn, lines)
        return
    held = {t: raw_table_rows(target, t) for t in raw_tables()}
    again = transfer.import_jsonl(target, lines, strict=True)
    assert again.imported == len(lines) and not again.errors
    assert {t: raw_table_rows(target, t) for t in raw_tables()} == held


def test_dump_and_import_rebuild_the_same_identities(
    database: dbmod.Database,
    conn: psycopg.Connection[Any],
    second_database: dbmod.Database,
    figures: dict[str, str],
) -> None:
    """Sample data with history (renames, email updates and removals), declared and
    tmp identities, relations, a mailmap batch and every kind of decision: dumped,
    imported into an empty database and run, it gives the same partition of
    profiles into identities, the same emails and the same decisions; and the
    second database dumps to the same calls (the dump is a fixed point)."""
    sample.load(sample.generate(120, seed=3), conn=conn)
    declared = L.create_identity("Declared Person", "from a collector")
    gh, _ = L.get_or_create_github_account(77, "octo", "Octo Cat", identity=declared, conn=conn)
    L.get_or_create_github_account(77, "octo-renamed", "", None, conn=conn)
    L.get_or_create_github_account(77, "octo", "", None, conn=conn)  # and back again
    author, _ = L.get_or_create_unknown_github_account("Some Author", "author@x.example")
    padded, _ = L.get_or_create_mailing_list_profile("Padded", "  padded@x.example  ")
    L.update_email(padded.emails[0], is_primary=False)
    gone, _ = L.get_or_create_mailing_list_profile("Gone Key", "gone@x.example")
    L.remove_email(gone.emails[0])
    L.add_email(gone, "kept@x.example", is_primary=True)
    tmp = L.create_tmp_identity("staging", "a tmp identity")
    L.add_temp_profile_identity_relation(gh, tmp)
    L.add_temp_profile_identity_relation(padded, tmp)
    L.remove_temp_profile_identity_relation(padded, tmp)
    transfer.import_mailmap(conn, io.StringIO(MAILMAP))
    merged = L.record_decision("same", gh.id, author.id)
    L.record_decision("revoke", revokes=merged.id)
    L.record_decision("different", padded.id, gone.id)
    L.record_decision("lock", gh.id)
    L.record_decision("split", author.id)
    first = run(database, full=True)
    assert first.outcome == "success"
    profiles = _profiles(conn)

    def identity(name: str, email: str) -> int:
        row = conn.execute(
            "select identity_id from cppa_identity.identity_node where node_id = %s",
            (profiles[name, email],),
        ).fetchone()
        return int(row[0])

    relay = "gitgitgadget@bridge.example"
    cleo, dov = (
        identity("Cleo Marsh", "cleo@marsh.example"),
        identity("Dov Pratt", "dov@pratt.example"),
    )
    assert identity("Cleo Marsh via GitGitGadget", relay) == cleo  # the mapping line
    assert identity("Dov Pratt via GitGitGadget", relay) == dov
    assert cleo != dov, "two senders through one relay address are two people"
    assert identity("John Smith", "john@acme.example") != identity(
        "John Smith", "jsmith@othercorp.example"
    ), "a common name shared without a mapping line is not one person"
    assert identity("Ada Q", "ada.q@laptop.local") == identity("Ada Quill", "ada@quill.example")

    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
    assert report.imported == len(lines) and not report.errors
    assert run(second_database, full=True).outcome == "success"

    before, after = partition(database.conninfo), partition(second_database.conninfo)
    assert len(before) > 50 and any(len(g) > 1 for g in before)
    assert after == before
    assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
    # importing the same dump again adds nothing: not a row in any raw table
    assert_second_import_adds_nothing(second_database.conninfo, lines)
    figures["round trip"] = (
        f"{len(lines)} loader calls; {len(before)} identities before, {len(after)} after,"
        f" partitions equal: {after == before}"
    )


# what the Django drop-in's triggers write when the ORM deletes an Identity, a
# BaseProfile or a TmpIdentity (loaders/django_app/sql/install.sql)
DJANGO_DELETES = (
    "insert into cppa_raw.identities (identity_id, action, source)"
    " values (%(identity)s, 'remove', 'django')",
    "insert into cppa_raw.removals (node_id, kind, source)"
    " values (%(profile)s, 'profile', 'django'), (%(tmp)s, 'tmp_identity', 'django')",
)

REMOVED = """
select (select array_agg(display_name order by identity_id) from cppa_raw.identity_states
        where is_removed),
    (select array_agg(p.natural_key order by p.natural_key) from cppa_raw.profiles as p
        join cppa_raw.removals as r on r.node_id = p.base_profile_id and r.kind = 'profile'),
    (select array_agg(t.display_name order by t.display_name) from cppa_raw.tmp_identities as t
        join cppa_raw.removals as r on r.node_id = t.tmp_identity_id and r.kind = 'tmp_identity')
"""


def test_a_dump_keeps_what_the_django_drop_in_deleted_deleted(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """A declared identity, a profile and a tmp identity deleted through the Django
    drop-in stay deleted in the database a dump is imported into (before, the
    import brought all three back); their twins that were not deleted stay; the
    dump is a fixed point and importing it twice adds nothing."""
    kept = L.create_identity("Kept", "", conn=conn)
    gone = L.create_identity("Kept", "", conn=conn)  # same name: only one is deleted
    L.create_identity("Gone Alone", "", conn=conn)
    profile, _ = L.get_or_create_mailing_list_profile("Gone", "gone@x.example", conn=conn)
    L.get_or_create_github_account(5, "named", identity=gone, conn=conn)
    tmp = L.create_tmp_identity("staging", "", conn=conn)
    L.create_tmp_identity("staging", "", conn=conn)
    for statement in DJANGO_DELETES:
        conn.execute(statement, {"identity": gone.id, "profile": profile.id, "tmp": tmp.id})
    conn.execute(
        "insert into cppa_raw.identities (identity_id, action, source)"
        " select identity_id, 'remove', 'django' from cppa_raw.identity_states"
        " where display_name = 'Gone Alone'"
    )
    removed = conn.execute(REMOVED).fetchone()
    assert removed == (["Kept", "Gone Alone"], ['["Gone", "gone@x.example"]'], ["staging"])
    assert kept.id < gone.id

    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
        assert report.imported == len(lines) and not report.errors
        assert target.execute(REMOVED).fetchone() == removed
        live = target.execute(
            "select display_name from cppa_raw.identity_states where not is_removed"
        ).fetchall()
        assert live == [("Kept",)]
        assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
        assert_second_import_adds_nothing(target, lines)


def test_only_a_line_that_names_a_node_can_say_it_was_deleted() -> None:
    from loaders.ops.jsonl_import import parse_call

    line = parse_call('{"loader": "create_identity", "ref": "n1", "removed": true}', 1)
    assert line is not None and line.removed
    for bad in (
        '{"loader": "create_identity", "ref": "n1", "removed": "yes"}',
        '{"loader": "create_identity", "removed": true}',
        '{"loader": "get_or_create_identity", "ref": "n1", "removed": true}',
        '{"loader": "add_email", "ref": "e1", "removed": true}',
    ):
        with pytest.raises(ValueError, match="removed"):
            parse_call(bad, 1)


# what the Django drop-in's triggers log when an ORM user points a profile at an
# Identity (loaders/django_app/sql/install.sql, django_observe_profile): the
# platform row as Django holds it, with that Identity's id, which may be a
# declared identity's or one a run wrote back (its oldest profile's id)
DJANGO_OBSERVES = {
    "github": "insert into cppa_raw.github_accounts (base_profile_id, github_account_id,"
    " username, display_name, avatar_url, account_type, identity_id, source)"
    " values (%(id)s, %(key)s, %(name)s, %(name)s, %(avatar)s, 'user', %(identity)s, 'django')",
    "slack": "insert into cppa_raw.slack_users (base_profile_id, slack_user_id, username,"
    " display_name, avatar_url, identity_id, source)"
    " values (%(id)s, %(key)s, %(name)s, %(name)s, %(avatar)s, %(identity)s, 'django')",
    "mailing_list": "insert into cppa_raw.mailing_list_profiles (base_profile_id,"
    " display_name, identity_id, source) values (%(id)s, %(name)s, %(identity)s, 'django')",
    "youtube": "insert into cppa_raw.youtube_speakers (base_profile_id, external_id,"
    " display_name, identity_id, source)"
    " values (%(id)s, %(key)s, %(name)s, %(identity)s, 'django')",
}


AVATAR = "https://avatars.example/ann.png"


def logged_identities(conninfo: str) -> list[tuple[str, str, str]]:
    """Every observation that names an identity, as (platform, profile key, what it
    names: a profile by its key, a declared identity by its name): comparable
    across databases."""
    from loaders.platforms import PLATFORMS

    found: list[tuple[str, str, str]] = []
    with psycopg.connect(conninfo) as conn:
        for p in PLATFORMS:
            found += conn.execute(
                sql.SQL(
                    "select p.platform, p.natural_key,"
                    " coalesce('profile ' || t.platform || ' ' || t.natural_key,"
                    " 'identity ' || i.display_name, 'nothing ' || o.identity_id)"
                    " from {} as o join cppa_raw.profiles as p using (base_profile_id)"
                    " left join cppa_raw.profiles as t on t.base_profile_id = o.identity_id"
                    " left join cppa_raw.identity_states as i on i.identity_id = o.identity_id"
                    " where o.identity_id is not null order by o.observation_id"
                ).format(sql.Identifier("cppa_raw", p.table))
            ).fetchall()
    return sorted(found)


def test_a_dump_keeps_the_identities_django_profiles_were_pointed_at(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """A hostile trial: through the Django drop-in a profile's identity may be
    set to an Identity a run wrote back (its id is its oldest profile's), to a
    declared identity made after the profile, on a Slack user or a list poster as
    on a GitHub account, on a profile's first observation or a later one. The
    dump wrote a GitHub line naming a profile as its identity, and its import
    refused it (NotFound: identity=… does not exist); it left out every Slack and
    mailing-list identity; a later observation's identity was dropped by the
    import, and one naming a node the dump writes later named no earlier line.
    Now every observation keeps what it named; the merge gives the same
    identities; the dump is a fixed point and importing it twice adds nothing."""
    older, _ = L.get_or_create_github_account(601, "ann-older", "Ann Older", conn=conn)
    newer, _ = L.get_or_create_github_account(602, "ann-newer", "Ann Newer", conn=conn)
    slack, _ = L.get_or_create_slack_user({"id": "U601", "name": "ann"}, conn=conn)
    poster, _ = L.get_or_create_mailing_list_profile("Ann Poster", "ann@poster.example", conn=conn)
    declared = L.create_identity("Ann Declared", "set through the ORM later", conn=conn)
    assert older.id < newer.id < slack.id < poster.id < declared.id
    youtube = conn.execute(
        "insert into cppa_raw.profiles (base_profile_id, platform, natural_key, source)"
        " values (nextval('cppa_raw.node_id_seq'), 'youtube', 'yt-ann', 'django')"
        " returning base_profile_id"
    ).fetchone()[0]
    said = [
        ("github", newer.id, "602", "ann-newer", older.id),  # a written-back id: a profile's
        ("slack", slack.id, "U601", "ann", older.id),
        ("mailing_list", poster.id, None, "Ann Poster", declared.id),  # made after the poster
        ("github", older.id, "601", "ann-older", declared.id),
        ("youtube", youtube, "yt-ann", "Ann Speaker", newer.id),  # its first observation
    ]
    for platform, profile, key, name, identity in said:
        conn.execute(
            DJANGO_OBSERVES[platform],
            {"id": profile, "key": key, "name": name, "identity": identity, "avatar": AVATAR},
        )
    logged = logged_identities(database.conninfo)
    assert len(logged) == len(said) and not any(n.startswith("nothing") for _, _, n in logged)

    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
    assert report.imported == len(lines) and not report.errors
    assert logged_identities(second_database.conninfo) == logged
    assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
    assert_second_import_adds_nothing(second_database.conninfo, lines)

    assert run(database, full=True).outcome == "success"
    assert run(second_database, full=True).outcome == "success"
    before = partition(database.conninfo)
    # the declared identity joins the GitHub account and the list poster
    poster_key = natural_key("Ann Poster", "ann@poster.example")
    assert any(
        {("github", "601"), ("mailing_list", poster_key)} <= {(p, key) for p, key, _ in group}
        for group in before
    )
    assert partition(second_database.conninfo) == before


# a profile's current state as the marts give it, per platform, by natural key
# (ids and load times differ between databases)
CURRENT_STATE = {
    "github_account": "select p.natural_key, m.username, m.display_name, m.avatar_url,"
    " m.account_type from cppa_identity.github_account as m",
    "slack_user": "select p.natural_key, m.username, m.display_name, m.avatar_url"
    " from cppa_identity.slack_user as m",
    "mailing_list_profile": "select p.natural_key, m.display_name"
    " from cppa_identity.mailing_list_profile as m",
    "wg21_paper_author_profile": "select p.natural_key, m.display_name, m.author_alias"
    " from cppa_identity.wg21_paper_author_profile as m",
    "discord_profile": "select p.natural_key, m.username, m.display_name, m.avatar_url,"
    " m.is_bot from cppa_identity.discord_profile as m",
    "youtube_speaker": "select p.natural_key, m.display_name"
    " from cppa_identity.youtube_speaker as m",
}


def current_state(conninfo: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(conninfo) as conn:
        return {
            mart: sorted(
                conn.execute(
                    query + " join cppa_raw.profiles as p on p.base_profile_id = m.id"
                ).fetchall()
            )
            for mart, query in CURRENT_STATE.items()
        }


def logged_fields(conninfo: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every observation's fields as the raw log holds them ('' and NULL apart),
    per platform, by profile key in log order: comparable across databases."""
    from loaders.platforms import PLATFORMS

    with psycopg.connect(conninfo) as conn:
        return {
            p.name: conn.execute(
                sql.SQL(
                    "select p.natural_key, {} from {} as o"
                    " join cppa_raw.profiles as p using (base_profile_id)"
                    " order by p.natural_key, o.observation_id"
                ).format(
                    sql.SQL(", ").join(
                        sql.SQL("o.{}").format(sql.Identifier(f)) for f in p.field_names
                    ),
                    sql.Identifier("cppa_raw", p.table),
                )
            ).fetchall()
            for p in PLATFORMS
        }


def test_a_dump_keeps_the_fields_django_cleared(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """The Django drop-in logs the row Django saved, '' for a field a Django user
    cleared (an avatar, a Slack name, a list poster's name), where NULL in the log
    says "not given, keep what was there". The dump wrote '' as the loader's
    argument, which a loader reads as "not given": imported, each cleared field
    came back as its older value. Now the dump says which fields the log held as
    '' and the import writes them so, with or without an identity on the line;
    a collector's later NULL still keeps the ''; the current state after a run
    is the original's, the dump a fixed point, a second import adds nothing."""
    declared = L.create_identity("Cleo Declared", "", conn=conn)
    gh, _ = L.get_or_create_github_account(611, "cleo", "Cleo", AVATAR, conn=conn)
    named, _ = L.get_or_create_github_account(612, "cleo-2", "Cleo Two", AVATAR, conn=conn)
    slack, _ = L.get_or_create_slack_user(
        {"id": "U611", "name": "cleo", "real_name": "Cleo M", "profile": {"image_72": AVATAR}},
        conn=conn,
    )
    poster, _ = L.get_or_create_mailing_list_profile(
        "Cleo Poster", "cleo@poster.example", conn=conn
    )
    # what the triggers log when Django saves the rows with those fields cleared
    logged = [
        ("github", gh.id, "611", "cleo", "Cleo", "", None),
        ("github", named.id, "612", "cleo-2", "", "", declared.id),  # and pointed at Cleo
        ("slack", slack.id, "U611", "cleo", "", "", None),
        ("mailing_list", poster.id, None, None, "", None, None),
    ]
    for platform, profile, key, username, name, avatar, identity in logged:
        conn.execute(
            DJANGO_OBSERVES[platform].replace("%(name)s, %(name)s", "%(username)s, %(name)s"),
            {
                "id": profile,
                "key": key,
                "username": username,
                "name": name,
                "avatar": avatar,
                "identity": identity,
            },
        )
    # a collector's later call that gives no avatar keeps the cleared one
    L.get_or_create_github_account(611, "cleo-renamed", conn=conn)
    fields = logged_fields(database.conninfo)
    assert ("611", "cleo-renamed", None, None, "user") in fields["github"]

    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
    assert report.imported == len(lines) and not report.errors
    assert run(database, full=True).outcome == "success"
    assert run(second_database, full=True).outcome == "success"
    state = current_state(database.conninfo)
    assert ("611", "cleo-renamed", "Cleo", "", "user") in state["github_account"]
    assert ("612", "cleo-2", "", "", "user") in state["github_account"]
    assert state["slack_user"] == [("U611", "cleo", "", "")]
    assert [name for _, name in state["mailing_list_profile"]] == [""]
    assert current_state(second_database.conninfo) == state

    assert logged_fields(second_database.conninfo) == fields
    assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
    assert_second_import_adds_nothing(second_database.conninfo, lines)


# what the Django drop-in's triggers log when an ORM user saves a WG21 author or a
# Discord profile (loaders/django_app/sql/install.sql, django_observe_profile)
DJANGO_OBSERVES_MORE = {
    "wg21": "insert into cppa_raw.wg21_paper_author_profiles (base_profile_id, display_name,"
    " author_alias, identity_id, source)"
    " values (%(id)s, %(name)s, %(alias)s, %(identity)s, 'django')",
    "discord": "insert into cppa_raw.discord_profiles (base_profile_id, discord_user_id,"
    " username, display_name, avatar_url, is_bot, identity_id, source)"
    " values (%(id)s, %(key)s, %(username)s, %(name)s, %(avatar)s, false, %(identity)s,"
    " 'django')",
}


def test_a_dump_keeps_the_names_django_gave(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """A list poster's and a WG21 author's name is part of their key, and their
    loaders record the name the key holds; through the Django drop-in a user may
    rename either (the triggers log the row Django saved). The dump wrote each
    observation's line from the key, ignoring the name the log held: a rename
    came out as a repeat of the line before and was dropped, and after import
    the marts showed the key's name. Now the line carries the logged name in
    "fields"; a rename back, a rename with an identity, a rename of the other
    fields (on every platform) survive too; the current state after a run and
    the raw log are the original's, the dump a fixed point, a second import adds
    nothing."""
    declared = L.create_identity("Dana Declared", "", conn=conn)
    poster, _ = L.get_or_create_mailing_list_profile(
        "Dana Poster", "dana@poster.example", conn=conn
    )
    twice, _ = L.get_or_create_mailing_list_profile("Eli Poster", "eli@poster.example", conn=conn)
    left, _ = L.get_or_create_mailing_list_profile("Gil Poster", "gil@poster.example", conn=conn)
    author, _ = L.get_or_create_wg21_paper_author_profile(
        "Dana Author", "dana@paper.example", "D. Author", conn=conn
    )
    keyless, _ = L.get_or_create_wg21_paper_author_profile("Fay Author", None, conn=conn)
    gh, _ = L.get_or_create_github_account(621, "dana", "Dana GH", AVATAR, conn=conn)
    slack, _ = L.get_or_create_slack_user(
        {"id": "U621", "name": "dana", "real_name": "Dana S"}, conn=conn
    )
    discord, _ = L.get_or_create_discord_profile(621, "dana", "Dana D", conn=conn)
    youtube, _ = L.get_or_create_youtube_speaker("yt-dana", "Dana Y", conn=conn)
    renames: list[tuple[str, dict[str, Any]]] = [
        ("mailing_list", {"id": poster.id, "name": "Dana Renamed", "identity": None}),
        ("mailing_list", {"id": poster.id, "name": "Dana Poster", "identity": None}),  # back
        ("mailing_list", {"id": twice.id, "name": "Eli Renamed", "identity": declared.id}),
        ("mailing_list", {"id": twice.id, "name": "Eli Renamed", "identity": None}),
        ("mailing_list", {"id": left.id, "name": "Gil Renamed", "identity": None}),
        ("wg21", {"id": author.id, "name": "Dana A. Renamed", "alias": "D. Author"}),
        ("wg21", {"id": author.id, "name": "Dana A. Renamed", "alias": "DAR"}),
        ("wg21", {"id": keyless.id, "name": "Fay Renamed", "alias": ""}),  # and the alias cleared
        ("github", {"id": gh.id, "key": "621", "name": "Dana G. Renamed"}),
        ("slack", {"id": slack.id, "key": "U621", "name": "Dana S. Renamed"}),
        ("discord", {"id": discord.id, "key": "621", "name": "Dana D. Renamed"}),
        ("youtube", {"id": youtube.id, "key": "yt-dana", "name": "Dana Y. Renamed"}),
    ]
    for platform, given in renames:
        statement = DJANGO_OBSERVES.get(platform) or DJANGO_OBSERVES_MORE[platform]
        conn.execute(
            statement.replace("%(name)s, %(name)s", "%(username)s, %(name)s"),
            {"identity": None, "avatar": AVATAR, "username": "dana", "alias": None, **given},
        )
    # a collector's later call with the key's name writes that name again
    L.get_or_create_mailing_list_profile("Eli Poster", "eli@poster.example", conn=conn)
    fields = logged_fields(database.conninfo)
    assert [name for _, name in fields["mailing_list"]] == [
        "Dana Poster",
        "Dana Renamed",
        "Dana Poster",
        "Eli Poster",
        "Eli Renamed",
        "Eli Renamed",
        "Eli Poster",
        "Gil Poster",
        "Gil Renamed",
    ]

    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
    assert report.imported == len(lines) and not report.errors
    assert logged_fields(second_database.conninfo) == fields
    assert logged_identities(second_database.conninfo) == logged_identities(database.conninfo)
    assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
    assert_second_import_adds_nothing(second_database.conninfo, lines)

    assert run(database, full=True).outcome == "success"
    assert run(second_database, full=True).outcome == "success"
    state = current_state(database.conninfo)
    assert state["mailing_list_profile"] == [
        (natural_key("Dana Poster", "dana@poster.example"), "Dana Poster"),
        (natural_key("Eli Poster", "eli@poster.example"), "Eli Poster"),
        (natural_key("Gil Poster", "gil@poster.example"), "Gil Renamed"),
    ]
    assert state["wg21_paper_author_profile"] == [
        (natural_key("Dana Author", "dana@paper.example"), "Dana A. Renamed", "DAR"),
        (natural_key("Fay Author", None), "Fay Renamed", ""),
    ]
    assert current_state(second_database.conninfo) == state
    assert partition(second_database.conninfo) == partition(database.conninfo)


def test_only_a_profile_line_clears_and_only_its_text_fields(
    conn: psycopg.Connection[Any],
) -> None:
    """ "cleared" names text fields of the line's platform, each once; anything else
    is a bad line, with nothing written. Without it, '' in a loader's arguments
    still means "not given" (the loaders' rule): only "cleared" writes ''."""
    github = '{"loader": "get_or_create_github_account", "args": {"github_account_id": 7'
    lines = [
        github + ', "avatar_url": "a.png", "display_name": "Seven"}, "ref": "g"}',
        github + ', "avatar_url": "", "display_name": ""}}',  # keeps both
        github + ', "avatar_url": ""}, "cleared": ["avatar_url"]}',  # clears the avatar
        github + '}, "cleared": ["is_bot"]}',
        github + '}, "cleared": ["avatar_url", "avatar_url"]}',
        github + '}, "cleared": []}',
        '{"loader": "create_identity", "args": {"display_name": "x"}, "cleared": ["display_name"]}',
        '{"loader": "get_or_create_discord_profile", "args": {"discord_user_id": 8},'
        ' "cleared": ["is_bot"]}',
    ]
    report = transfer.import_jsonl(conn, lines)
    assert report.imported == 3
    assert [number for number, _ in report.errors] == [4, 5, 6, 7, 8]
    assert all(e.startswith("ValueError: cleared: ") for _, e in report.errors)
    assert (
        "(get_or_create_github_account's: username, display_name, avatar_url, account_type)"
        in (report.errors[0][1])
    )
    assert "(none on a create_identity line)" in report.errors[3][1]
    rows = conn.execute(
        "select display_name, avatar_url from cppa_raw.github_accounts order by observation_id"
    ).fetchall()
    assert rows == [("Seven", "a.png"), (None, "")]
    assert conn.execute("select count(*) from cppa_raw.identities").fetchone() == (0,)


def test_only_a_profile_line_carries_fields_and_only_its_text_fields(
    conn: psycopg.Connection[Any],
) -> None:
    """ "fields" gives text fields of the line's platform a value its arguments
    cannot say (a non-empty string, or null); anything else is a bad line naming
    the field and the value, with nothing written. The line's arguments still
    make the key: a list poster keeps its key, renamed."""
    poster = '{"loader": "get_or_create_mailing_list_profile",'
    poster += ' "args": {"display_name": "Hal", "email": "hal@x.example"}'
    lines = [
        poster + ', "ref": "p"}',
        poster + ', "fields": {"display_name": "Hal Renamed"}}',
        poster + ', "fields": {"display_name": 5}}',
        poster + ', "fields": {"display_name": ""}}',
        poster + ', "fields": {"display_name": "' + "x" * 256 + '"}}',
        poster + ', "fields": {"email": "other@x.example"}}',
        poster + ', "fields": {}}',
        poster + ', "fields": ["display_name"]}',
        poster + ', "fields": {"display_name": "A"}, "cleared": ["display_name"]}',
        '{"loader": "create_identity", "args": {"display_name": "x"},'
        ' "fields": {"display_name": "y"}}',
        '{"loader": "get_or_create_discord_profile", "args": {"discord_user_id": 8},'
        ' "fields": {"is_bot": true}}',
    ]
    report = transfer.import_jsonl(conn, lines)
    assert report.imported == 2
    assert [number for number, _ in report.errors] == list(range(3, 12))
    errors = dict(report.errors)
    assert errors[3] == (
        "InvalidInput: get_or_create_mailing_list_profile: fields.display_name=5:"
        " must be a string, not int"
    )
    assert errors[4] == (
        "InvalidInput: get_or_create_mailing_list_profile: fields.display_name='':"
        " '' goes in cleared"
    )
    assert errors[5].startswith(
        "InvalidInput: get_or_create_mailing_list_profile: fields.display_name='xxx"
    )
    assert "the limit is 255" in errors[5]
    for number in (6, 7, 8, 10, 11):
        assert errors[number].startswith("ValueError: fields: "), errors[number]
    assert "(get_or_create_mailing_list_profile's: display_name)" in errors[6]
    assert "(none on a create_identity line)" in errors[10]
    assert errors[9] == "ValueError: fields: 'display_name' is in cleared too"
    rows = conn.execute(
        "select p.natural_key, o.display_name from cppa_raw.mailing_list_profiles as o"
        " join cppa_raw.profiles as p using (base_profile_id) order by o.observation_id"
    ).fetchall()
    key = natural_key("Hal", "hal@x.example")
    assert rows == [(key, "Hal"), (key, "Hal Renamed")]
    assert conn.execute("select count(*) from cppa_raw.identities").fetchone() == (0,)
    assert conn.execute("select count(*) from cppa_raw.profiles").fetchone() == (1,)


def test_an_identity_that_is_no_node_is_refused_by_name(conn: psycopg.Connection[Any]) -> None:
    """An observation may name a declared identity or a profile; anything else (a
    tmp identity, an id no node has) is a bad line naming the field and the value,
    with nothing written; so is an identity on a line that is about no profile."""
    lines = [
        '{"loader": "create_tmp_identity", "args": {"display_name": "t"}, "ref": "t"}',
        '{"loader": "get_or_create_slack_user", "args": {"user_data": {"id": "U1", "name": "a"}},'
        ' "identity": {"ref": "t"}}',
        '{"loader": "get_or_create_github_account",'
        ' "args": {"github_account_id": 7, "identity": 999999}}',
        '{"loader": "create_identity", "args": {"display_name": "x"}, "identity": 5}',
    ]
    report = transfer.import_jsonl(conn, lines)
    tmp = conn.execute("select tmp_identity_id from cppa_raw.tmp_identities").fetchone()
    assert tmp is not None
    assert report.imported == 1
    assert report.errors == [
        (
            2,
            f"NotFound: get_or_create_slack_user: identity={tmp[0]}"
            " is neither a declared identity nor a profile",
        ),
        (
            3,
            "NotFound: get_or_create_github_account: identity=999999"
            " is neither a declared identity nor a profile",
        ),
        (4, report.errors[2][1]),
    ]
    assert report.errors[2][1].startswith("ValueError: identity: 5; only on a line about a profile")
    assert conn.execute("select count(*) from cppa_raw.profiles").fetchone() == (0,)


def django_profile(conn: psycopg.Connection[Any], platform: str) -> int:
    """A profile the Django drop-in's trigger registered under a key of its own,
    'django:<id>' (a list poster or WG21 author always, another profile whose
    platform id another profile holds already: install.sql, django_register_profile)."""
    row = conn.execute(
        "insert into cppa_raw.profiles (base_profile_id, platform, natural_key, source)"
        " select n, %s, 'django:' || n, 'django' from nextval('cppa_raw.node_id_seq') as n"
        " returning base_profile_id",
        (platform,),
    ).fetchone()
    assert row is not None
    return int(row[0])


# every observation as the raw log holds it, key column included, with the profile
# it is about by its key and the identity it names by what it is: comparable
# across databases
LOGGED_ROWS = """
select p.platform, coalesce('unknown author ' || u.author_name, p.natural_key), o.row,
    coalesce('profile ' || t.natural_key, 'identity ' || i.display_name)
from (
    select base_profile_id, observation_id, identity_id,
        to_jsonb(o) - 'observation_id' - 'base_profile_id' - 'identity_id' - 'loaded_at'
            - 'loaded_xid' - 'source' - case when g.synthetic then 'github_account_id' else '' end
            as row
    from cppa_raw.{table} as o
    left join lateral (
        select (to_jsonb(o) ->> 'github_account_id')::bigint < 0 as synthetic
    ) as g on true
) as o
join cppa_raw.profiles as p using (base_profile_id)
left join cppa_raw.unknown_github_authors as u
    on p.platform = 'github' and u.github_account_id::text = p.natural_key
left join cppa_raw.profiles as t on t.base_profile_id = o.identity_id
left join cppa_raw.identity_states as i on i.identity_id = o.identity_id
order by 2, o.observation_id
"""


def logged_rows(conninfo: str) -> dict[str, list[tuple[Any, ...]]]:
    from loaders.platforms import PLATFORMS

    with psycopg.connect(conninfo) as conn:
        return {
            p.name: conn.execute(LOGGED_ROWS.replace("{table}", p.table)).fetchall()
            for p in PLATFORMS
        }


def _round_trip(
    database: dbmod.Database, second_database: dbmod.Database
) -> tuple[list[str], dict[str, list[tuple[Any, ...]]]]:
    """Dump, import into the second database, and check the raw log, the dump's
    fixed point and that a second import adds nothing."""
    logged = logged_rows(database.conninfo)
    lines = dump_lines(database.conninfo)
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        report = transfer.import_jsonl(target, lines, strict=True)
    assert report.imported == len(lines) and not report.errors
    assert logged_rows(second_database.conninfo) == logged
    assert canonical(dump_lines(second_database.conninfo)) == canonical(lines)
    assert_second_import_adds_nothing(second_database.conninfo, lines)
    return lines, logged


def test_a_dump_keeps_the_keys_django_gave(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """The Django drop-in keys a list poster or WG21 author it creates
    'django:<id>' (their key is no column of theirs), and a GitHub, Discord,
    Slack or YouTube profile whose platform id another profile holds already
    too (the old models do not make the id unique). The dump read a list or
    WG21 key as a JSON pair and the export crashed (JSONDecodeError); it wrote
    a colliding GitHub or Discord profile with the other's account id, which
    the import joined into that profile; a Slack or YouTube one came back with
    'django:<id>' as its platform id; a platform id a Django user changed on a
    collector's profile went to another profile (GitHub) or was lost (Slack).
    Now a line carries the stored key where
    the arguments cannot say it, and the import writes it: the same raw log,
    profiles apart, the same state after a run, the dump a fixed point, a
    second import adds nothing."""
    declared = L.create_identity("Kim Declared", "", conn=conn)
    L.get_or_create_github_account(631, "kim", "Kim GH", AVATAR, conn=conn)
    L.get_or_create_slack_user({"id": "U631", "name": "kim"}, conn=conn)
    L.get_or_create_discord_profile(631, "kim", "Kim D", conn=conn)
    L.get_or_create_youtube_speaker("yt-kim", "Kim Y", conn=conn)
    observes = DJANGO_OBSERVES | DJANGO_OBSERVES_MORE
    said: list[tuple[str, dict[str, Any]]] = []
    for platform, key in [
        ("mailing_list", None),
        ("wg21", None),
        ("github", "631"),
        ("slack", "U631"),
        ("discord", "631"),
        ("youtube", "yt-kim"),
    ]:
        profile = django_profile(conn, platform)
        said += [
            (platform, {"id": profile, "key": key, "name": "Kim Django", "identity": None}),
            (platform, {"id": profile, "key": key, "name": "Kim Renamed", "identity": declared.id}),
        ]
    for platform, given in said:
        conn.execute(
            observes[platform].replace("%(name)s, %(name)s", "%(username)s, %(name)s"),
            {"avatar": AVATAR, "username": "kim", "alias": "K.", **given},
        )
    # a Django user edits the platform id of a profile a collector made
    moved, _ = L.get_or_create_github_account(632, "kim-moved", conn=conn)
    moved_slack, _ = L.get_or_create_slack_user({"id": "U632", "name": "kim-moved"}, conn=conn)
    for platform, profile, key in [("github", moved.id, "633"), ("slack", moved_slack.id, "U633")]:
        conn.execute(
            DJANGO_OBSERVES[platform],
            {"id": profile, "key": key, "name": "Kim Moved", "avatar": None, "identity": None},
        )
    blank = django_profile(conn, "mailing_list")  # created nameless (Django allows it)
    for name in ("", "Lee Django"):
        conn.execute(DJANGO_OBSERVES["mailing_list"], {"id": blank, "name": name, "identity": None})
    profiles = conn.execute("select count(*) from cppa_raw.profiles").fetchone()

    lines, logged = _round_trip(database, second_database)
    assert len(logged["github"]) == 5 and len(logged["mailing_list"]) == 4
    assert ("632", 633) in {(key, row["github_account_id"]) for _, key, row, _ in logged["github"]}
    with psycopg.connect(second_database.conninfo) as target:
        assert target.execute("select count(*) from cppa_raw.profiles").fetchone() == profiles
    # ordinary collector lines carry no key
    assert sum('"key": ' in line for line in lines) == 16

    assert run(database, full=True).outcome == "success"
    assert run(second_database, full=True).outcome == "success"
    state = current_state(database.conninfo)
    assert len(state["github_account"]) == 3 and len(state["mailing_list_profile"]) == 2
    assert current_state(second_database.conninfo) == state
    assert partition(second_database.conninfo) == partition(database.conninfo)


def test_a_dump_keeps_what_django_said_of_a_commit_author(
    database: dbmod.Database, conn: psycopg.Connection[Any], second_database: dbmod.Database
) -> None:
    """A commit author without a GitHub user (a synthetic account id below 0) may
    be renamed through the Django drop-in, cleared, or pointed at an identity;
    the dump wrote only the line that creates the author, and each later
    observation was lost. Now each is a line of the author's loader with what
    it held ("fields", "cleared", "identity"), written as logged."""
    declared = L.create_identity("Mo Declared", "", conn=conn)
    L.get_or_create_unknown_github_account("Someone Else", conn=conn)  # ids differ
    mo, _ = L.get_or_create_unknown_github_account("Mo Author", "mo@x.example", conn=conn)
    assert mo.github_account_id < 0
    for name, avatar, identity in [
        ("Mo Renamed", AVATAR, None),
        ("Mo Renamed", AVATAR, declared.id),
        ("", "", None),
    ]:
        conn.execute(
            DJANGO_OBSERVES["github"],
            {
                "id": mo.id,
                "key": mo.github_account_id,
                "name": name,
                "avatar": avatar,
                "identity": identity,
            },
        )
    with psycopg.connect(second_database.conninfo, autocommit=True) as target:
        target.execute("select nextval('cppa_raw.unknown_github_author_seq')")  # other ids there

    _, logged = _round_trip(database, second_database)
    assert len([r for r in logged["github"] if r[1] == "unknown author Mo Author"]) == 4

    assert run(database, full=True).outcome == "success"
    assert run(second_database, full=True).outcome == "success"
    assert partition(second_database.conninfo) == partition(database.conninfo)
    names = []
    for conninfo in (database.conninfo, second_database.conninfo):
        with psycopg.connect(conninfo) as c:
            names.append(
                c.execute(
                    "select u.author_name, m.display_name, m.avatar_url"
                    " from cppa_identity.github_account as m"
                    " join cppa_raw.unknown_github_authors as u"
                    " on u.github_account_id = m.github_account_id order by 1"
                ).fetchall()
            )
    assert names[0] == names[1] and names[0][0][:2] == ("Mo Author", "")


def test_a_line_key_is_a_key_the_arguments_cannot_say(conn: psycopg.Connection[Any]) -> None:
    """ "key" on a profile line gives the profile's stored key (a non-empty
    string, not a commit author's synthetic id); anything else is a bad line
    naming the field and the value, with nothing written."""
    github = '{"loader": "get_or_create_github_account", "args": {"github_account_id": 7}'
    poster = '{"loader": "get_or_create_mailing_list_profile", "args": {"display_name": "Ida"}'
    lines = [
        github + ', "ref": "g"}',
        github + ', "key": "django:40", "ref": "h"}',
        poster + ', "key": "django:41"}',
        github + ', "key": "-8"}',
        github + ', "key": 40}',
        github + ', "key": ""}',
        poster + ', "key": "' + "x" * 256 + '"}',
        '{"loader": "create_identity", "args": {"display_name": "x"}, "key": "django:1"}',
        '{"loader": "get_or_create_unknown_github_account", "args": {"name": "x"},'
        ' "key": "django:1"}',
    ]
    report = transfer.import_jsonl(conn, lines)
    assert report.imported == 3
    errors = dict(report.errors)
    assert sorted(errors) == [4, 5, 6, 7, 8, 9]
    assert errors[4] == (
        "InvalidInput: get_or_create_github_account: key='-8': is a commit author's synthetic"
        " id: the importing database hands those out (get_or_create_unknown_github_account)"
    )
    assert errors[5] == (
        "InvalidInput: get_or_create_github_account: key=40: must be a string, not int"
    )
    assert errors[6].startswith("InvalidInput: get_or_create_github_account: key='': ")
    assert "the limit is 255" in errors[7]
    assert errors[8].startswith("ValueError: key: 'django:1'; only on a line about a profile")
    assert errors[9].startswith("ValueError: key: 'django:1'; only on a line about a profile")
    rows = conn.execute(
        "select p.natural_key, o.github_account_id from cppa_raw.github_accounts as o"
        " join cppa_raw.profiles as p using (base_profile_id) order by o.observation_id"
    ).fetchall()
    assert rows == [("7", 7), ("django:40", 7)]
    assert conn.execute(
        "select natural_key from cppa_raw.profiles where platform = 'mailing_list'"
    ).fetchall() == [("django:41",)]
    assert conn.execute("select count(*) from cppa_raw.identities").fetchone() == (0,)


def _check_mailmap(repo: Path, mailmap: Path, identities: list[str]) -> list[str]:
    """git's own reading of `mailmap`: what each commit identity maps to."""
    answer = subprocess.run(
        ["git", "-c", f"mailmap.file={mailmap}", "check-mailmap", *identities],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.strip().lower() for line in answer.splitlines()]


@pytest.mark.skipif(shutil.which("git") is None, reason="git itself is the oracle here")
def test_the_mailmap_export_reads_in_git_as_we_merged(
    database: dbmod.Database, conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    """A mailmap imported, run and exported: under `git check-mailmap`, every two
    commit identities the original joins are still joined, and the two senders of
    one relay address ("X via GitGitGadget") still map to two people."""
    transfer.import_mailmap(conn, io.StringIO(MAILMAP))
    assert run(database, full=True).outcome == "success"
    exported = tmp_path / "exported.mailmap"
    with psycopg.connect(database.conninfo) as c:
        transfer.write_export(transfer.identities(c), "mailmap", exported.open("w"))
    original = tmp_path / "original.mailmap"
    original.write_text(MAILMAP)
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    commits = [
        "Ada Quill <ada@quill.example>",
        "Ada Quill <ada@old-job.example>",
        "Ada Q <ada.q@laptop.local>",
        "Cleo Marsh via GitGitGadget <gitgitgadget@bridge.example>",
        "Dov Pratt via GitGitGadget <gitgitgadget@bridge.example>",
        "Cleo Marsh <cleo@marsh.example>",
        "Dov Pratt <dov@pratt.example>",
    ]
    before = _check_mailmap(repo, original, commits)
    after = _check_mailmap(repo, exported, commits)
    for i, j in itertools.combinations(range(len(commits)), 2):
        if before[i] == before[j]:
            assert after[i] == after[j], (commits[i], commits[j], after[i], after[j])
    cleo, dov = after[3], after[4]
    assert cleo != dov, "one relay address, two people"
    assert cleo == after[5] and dov == after[6]


def test_a_mailmap_export_reads_back_identity_by_identity(
    database: dbmod.Database,
    conn: psycopg.Connection[Any],
    second_database: dbmod.Database,
    tmp_path: Path,
    figures: dict[str, str],
) -> None:
    """2,000 generated profiles, merged, exported as a .mailmap: every identity
    with an address reads back whole and alone, under git and after `import`;
    one without a name is named by its login (or its address), one without an
    address is a comment line, and no line is a nameless ` <address>`."""
    from benchmarks.bench_merge import generate, load
    from benchmarks.mailmap_round_trip import round_trip

    load(generate(2000)[0])
    login, _ = L.get_or_create_github_account(900_001, "nameless-login", "", None, conn=conn)
    L.add_email(login, "nameless@login.example", is_primary=True, conn=conn)
    address, _ = L.get_or_create_github_account(900_002, "", "", None, conn=conn)
    L.add_email(address, "only-an@address.example", is_primary=True, conn=conn)
    L.get_or_create_slack_user({"id": "UNOADDRESS", "name": "no-address"}, conn=conn)
    dbmod.close_pool()
    assert run(database, full=True).outcome == "success"
    names = dict(
        conn.execute(
            "select n.node_id, i.display_name from cppa_identity.identity_node as n"
            " join cppa_identity.identity as i on i.id = n.identity_id where n.node_id = any(%s)",
            ([login.id, address.id],),
        ).fetchall()
    )
    assert names == {login.id: "nameless-login", address.id: "only-an@address.example"}
    with (
        psycopg.connect(database.conninfo) as source,
        psycopg.connect(second_database.conninfo) as target,
    ):
        found = round_trip(source, target, tmp_path)
    figures["mailmap round trip (2,000 profiles)"] = (
        f"{found.with_address} identities with an address, {found.git_exact} read back by git,"
        f" {found.import_exact} by import; {found.without_address} without one"
    )
    assert found.with_address > 500 and found.without_address >= 1
    assert found.git_exact == found.import_exact == found.with_address, found.differ
    assert found.unnamed_lines == 0 and found.import_errors == 0
    exported = (tmp_path / "exported.mailmap").read_text()
    assert "nameless-login <nameless@login.example>" in exported
    assert re.search(r"^# identity \d+ no-address: no address", exported, re.M)


def test_a_mailmap_line_import_cannot_use_is_reported(
    database: dbmod.Database, conn: psycopg.Connection[Any]
) -> None:
    """Every line that writes nothing is reported by number, not counted as imported."""
    text = "Ann <ann@x.example>\n<lonely@x.example>\n# a comment\nno address\n"
    report = transfer.import_mailmap(conn, io.StringIO(text))
    assert report.imported == 1 and report.ignored == 1
    assert [(n, "address alone" in e or "no 'Name <email>'" in e) for n, e in report.errors] == [
        (2, True),
        (4, True),
    ]


def _raw_state(conninfo: str) -> dict[str, list[str]]:
    with psycopg.connect(conninfo) as conn:
        return {t: raw_table_rows(conn, t) for t in raw_tables()}


@pytest.mark.parametrize("kind", ["jsonl", "mailmap"])
def test_the_bulk_path_writes_what_line_by_line_writes(
    database: dbmod.Database,
    conn: psycopg.Connection[Any],
    admin_conninfo: str,
    template_db: str,
    kind: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An import into an empty database goes through the bulk loaders; it writes
    the very rows (ids included) that one call per line writes; with bad lines in
    the middle of runs it reports the same lines with the same messages and
    rebuilds the same calls."""
    if kind == "jsonl":
        from benchmarks.bench_merge import generate, load

        rows, second_emails = generate(400)
        ids = load(rows)  # platform after platform: long runs of one platform's lines
        L.load_emails(
            [{"base_profile": p, "email": e} for p, e in zip(ids, second_emails, strict=False)]
        )
        sample.load(sample.generate(20, seed=5), conn=conn)  # platforms alternating
        renamed, _ = L.get_or_create_github_account(91, "before", "Be Fore", conn=conn)
        L.get_or_create_github_account(91, "after", "", conn=conn)
        L.add_email(renamed, "second@x.example", conn=conn)
        gone, _ = L.get_or_create_mailing_list_profile("Gone", "gone@x.example", conn=conn)
        L.remove_email(gone.emails[0], conn=conn)
        declared = L.create_identity("Declared", "between profiles", conn=conn)
        late, _ = L.get_or_create_slack_user({"id": "U9", "name": "late"}, conn=conn)
        L.get_or_create_github_account(92, "named", identity=declared, conn=conn)
        # what the Django drop-in logs: an identity named on a later observation,
        # a profile's id (an identity a run wrote back), on a Slack user
        for platform, profile, key, name, identity in (
            ("github", renamed.id, "91", "after", ids[0]),
            ("slack", late.id, "U9", "late", declared.id),
        ):
            conn.execute(
                DJANGO_OBSERVES[platform],
                {"id": profile, "key": key, "name": name, "identity": identity, "avatar": AVATAR},
            )
        clean = dump_lines(database.conninfo)
        importer = transfer.import_jsonl
        at = len(clean) // 2
        bad = [
            '{"loader": "get_or_create_github_account", "args": {"github_account_id": "x"}}',
            '{"loader": "add_email", "args": {"base_profile": {"ref": "nowhere"}, "email": "a@b"}}',
        ]
        dirty = clean[:at] + bad[:1] + clean[at : at + 3] + bad[1:] + clean[at + 3 :]
    else:
        clean = [line for line in MAILMAP.splitlines() if line != "not a mailmap line"]
        for i in range(80):  # names, mappings, and senders through one relay address
            clean += [
                f"Person {i} <p{i}@x.example>",
                f"Person {i} <p{i}@x.example> <old{i}@y.example>",
                f"Sender {i} <s{i}@x.example> Sender {i} via List <list@relay.example>",
                f"<p{i}@x.example> <RELAY@relay.example>" if i % 10 == 0 else f"P{i} <p{i}@z.org>",
            ]
        importer = transfer.import_mailmap
        bad = ["Too Long <" + "a" * 400 + "@x.example>"]
        # a non-ASCII address: its part goes line by line (PostgreSQL folds its case)
        dirty = [*clean[:150], *bad, "Ünï Code <ünï@x.example> <UNI@x.example>", *clean[150:]]
    from loaders.ops import bulk_import, mailmap

    in_bulk: list[int] = []  # lines written by the bulk path

    def spy(owner: Any, name: str) -> None:
        original = getattr(owner, name)

        def counted(*args: Any) -> Any:
            done = original(*args)
            in_bulk.append(len(args[-1]) if done is not False else 0)
            return done

        monkeypatch.setattr(owner, name, counted)

    spy(bulk_import, "_in_bulk") if kind == "jsonl" else spy(mailmap.MailmapImport, "_in_bulk")
    for given in (clean, dirty):
        reports, states, dumps = [], [], []
        for bulk in (True, False):
            with _clone(admin_conninfo, template_db, f"cppa_test_bulk_{bulk}".lower()) as target:
                with psycopg.connect(target.conninfo, autocommit=True) as into:
                    report = importer(into, given, bulk=bulk)
                reports.append(report.as_dict())
                states.append(_raw_state(target.conninfo))
                dumps.append(canonical(dump_lines(target.conninfo)))
        assert reports[0] == reports[1]
        assert dumps[0] == dumps[1]
        if given is clean:
            for table in states[0]:
                assert set(states[0][table]) ^ set(states[1][table]) == set(), table
            assert not reports[0]["errors"] and reports[0]["imported"] > 10
            assert sum(in_bulk) > len(clean) / 2, "most lines went through the bulk path"
        else:
            assert [e["line"] for e in reports[0]["errors"]] == [dirty.index(b) + 1 for b in bad]
