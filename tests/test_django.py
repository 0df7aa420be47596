"""The existing Django project keeps working on the drop-in: a collector-like app
with real foreign keys into `cppa_user_tracker.GitHubAccount`, the old app's
models on tables Django owns, and every ORM write appended to the raw log by
the triggers `migrate` installs. A run merges the log and writes identities
back; the old tables' rows move in with one command.

As in production, the owner migrates and runs `grants`; the project's Django
login is then a collector's (a member of the loader role) for every test: the
merge runs as the operator's own login, through the operator's executable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from typer.testing import CliRunner

from loaders import db as dbmod
from loaders.cli import app
from loaders.errors import RunFailed
from loaders.ops import roles
from loaders.ops.runs import run

from .conftest import FIGURES
from .helpers import raw_counts

django = pytest.importorskip("django", reason="Django is a dev dependency: pip install -e '.[dev]'")

TABLES = (
    "identity",
    "tmpidentity",
    "baseprofile",
    "tempprofileidentityrelation",
    "email",
    "githubaccount",
    "slackuser",
    "mailinglistprofile",
    "wg21paperauthorprofile",
    "discordprofile",
    "youtubespeaker",
)


def invoke(*args: str, code: int = 0) -> Any:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


@contextmanager
def django_login(user: str) -> Iterator[None]:
    """Django's connection as `user` for a while (the owner's jobs: migrate, move in)."""
    from django.db import connections

    wrapper = connections["default"]
    before = wrapper.settings_dict["USER"]
    wrapper.close()
    wrapper.settings_dict["USER"] = user
    try:
        yield
    finally:
        wrapper.close()
        wrapper.settings_dict["USER"] = before


@pytest.fixture(scope="module")
def owner_login(module_database: dbmod.Database) -> str:
    return conninfo_to_dict(module_database.conninfo).get("user") or "postgres"


@pytest.fixture(scope="module")
def collector_login(module_database: dbmod.Database) -> str:
    return f"cppa_{conninfo_to_dict(module_database.conninfo)['dbname']}_collector"


@pytest.fixture(scope="module")
def orm(module_database: dbmod.Database, collector_login: str, owner_login: str) -> Iterator[Any]:
    """Django set up on the module's database: the owner runs `migrate` as a project
    runs it, then `grants`; the project's login is then a member of the loader role
    (with the rights the project gives it on its own apps' tables)."""
    os.environ[dbmod.DSN_ENV] = module_database.conninfo
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.django_project.settings"
    with psycopg.connect(module_database.conninfo, autocommit=True) as conn:
        # as in production, the transformer's first run loads the seeds itself
        conn.execute("drop schema if exists cppa_identity_config, cppa_identity_work cascade")
        conn.execute("delete from cppa_ops.settings where key like 'seeds%'")
    django.setup()
    from django.core.management import call_command

    with django_login(owner_login):
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        FIGURES["django migrate (tables, raw log, triggers)"] = (
            f"{time.monotonic() - started:.2f} s on a migrated raw schema"
        )
    with psycopg.connect(module_database.conninfo, autocommit=True) as conn:
        names = roles.apply_grants(conn)
        login = sql.Identifier(collector_login)
        conn.execute(sql.SQL("create role {} login").format(login))
        conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(names["loader"]), login))
        # what the project grants its collectors on its other apps' tables
        for (table,) in conn.execute(
            "select relname from pg_class where relnamespace = 'public'::regnamespace"
            " and relkind = 'r' and relname not like 'cppa\\_user\\_tracker\\_%'"
        ).fetchall():
            conn.execute(
                sql.SQL("grant all on {} to {}").format(sql.Identifier("public", table), login)
            )
        conn.execute(sql.SQL("grant all on all sequences in schema public to {}").format(login))
        # the merge's login: the transformer's and nothing more (the owner's run is refused)
        conn.execute(
            sql.SQL("create role {} login in role {}").format(
                sql.Identifier(f"{collector_login}_scheduler"),
                sql.Identifier(names["transformer"]),
            )
        )
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["USER"] = collector_login
    yield django
    connections.close_all()


@pytest.fixture(scope="module")
def scheduler(module_database: dbmod.Database, collector_login: str) -> dbmod.Database:
    """The merge's login (made by `orm`)."""
    dsn = psycopg.conninfo.make_conninfo(
        module_database.conninfo, user=f"{collector_login}_scheduler"
    )
    return dbmod.Database("dsn", dsn)


@pytest.fixture
def raw(module_database: dbmod.Database) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(module_database.conninfo, autocommit=True) as conn:
        yield conn


def django_rows(raw: psycopg.Connection[Any]) -> dict[str, int]:
    return {
        t: raw.execute(f"select count(*) from public.cppa_user_tracker_{t}").fetchone()[0]
        for t in TABLES
    }


def test_migrate_creates_the_old_tables_and_the_log(orm: Any, raw: psycopg.Connection[Any]) -> None:
    tables = {
        r[0]
        for r in raw.execute(
            "select table_name from information_schema.tables"
            " where table_schema = 'public' and table_name like 'cppa_user_tracker_%'"
        )
    }
    assert tables == {f"cppa_user_tracker_{t}" for t in TABLES}
    triggers = {
        r[0]
        for r in raw.execute(
            "select event_object_table from information_schema.triggers"
            " where trigger_name = 'cppa_identity_log'"
        )
    }
    assert triggers == {f"cppa_user_tracker_{t}" for t in TABLES}
    # the other app's real foreign key constraint points at the real table
    constraint = raw.execute(
        "select confrelid::regclass::text from pg_constraint"
        " where conrelid = 'collector_commit'::regclass and contype = 'f'"
    ).fetchone()
    assert constraint == ("cppa_user_tracker_githubaccount",)
    from django.core.management import call_command

    installed = "select value, updated_at from cppa_ops.settings where key = 'django_install'"
    before = raw.execute(installed).fetchone()
    call_command("migrate", verbosity=0)  # again: nothing to install, nothing rewritten
    assert raw.execute(installed).fetchone() == before


def test_write_back_before_any_run_says_no_run_was_published(orm: Any, owner_login: str) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="the run's job"):
        call_command("run_cppa_user_tracker", "--write-back-only")  # the collector's login
    out = StringIO()
    with django_login(owner_login):
        call_command("run_cppa_user_tracker", "--write-back-only", stdout=out)
    assert "no run has published identities yet" in out.getvalue()
    assert "profiles moved" not in out.getvalue()


def test_a_collector_login_cannot_silence_the_log(orm: Any, raw: psycopg.Connection[Any]) -> None:
    """The flag the run's write-back sets pauses the triggers for the run's role
    only: a collector's login that sets it is logged as ever."""
    from django.db import connection

    from loaders.django_app import models as m

    with connection.cursor() as cursor:
        cursor.execute("select set_config('cppa_identity.django_write_back', 'on', false)")
    try:
        account = m.GitHubAccount.objects.create(github_account_id=60606, username="quiet")
        m.BaseProfile.objects.filter(pk=account.pk).update(identity=None)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("select set_config('cppa_identity.django_write_back', '', false)")
    logged = raw.execute(
        "select count(*) from cppa_raw.github_accounts where base_profile_id = %s", (account.pk,)
    )
    assert logged.fetchone() == (1,)
    assert raw.execute(
        "select natural_key from cppa_raw.profiles where base_profile_id = %s", (account.pk,)
    ).fetchone() == ("60606",)


def test_a_collector_login_records_no_decision(orm: Any, raw: psycopg.Connection[Any]) -> None:
    """Decisions are the reviewers': through Django's connection a collector's login
    can write none, whatever login it names."""
    from django.db import DatabaseError, connection, transaction

    before = raw.execute("select count(*) from cppa_raw.manual_decisions").fetchone()
    with (
        pytest.raises(DatabaseError, match="permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "insert into cppa_raw.manual_decisions (action, node_a, node_b, decided_by,"
            " decided_by_login) values ('different', 1, 2, 'x', 'a_reviewer')"
        )
    assert raw.execute("select count(*) from cppa_raw.manual_decisions").fetchone() == before


def test_orm_writes_of_every_kind_are_in_the_log(orm: Any, raw: psycopg.Connection[Any]) -> None:
    from loaders.django_app import models as m

    person = m.Identity.objects.create(display_name="Ada Writer")
    account = m.GitHubAccount.objects.create(
        github_account_id=70001, username="adaw", identity=person
    )
    account.display_name = "Ada Writer"
    account.save()
    account.save()  # changed nothing: says nothing new
    m.GitHubAccount.objects.filter(pk=account.pk).update(avatar_url="https://a.example/x.png")
    for i in range(3):
        m.DiscordProfile.objects.create(discord_user_id=70002 + i, username=f"d{i}")
    m.Email.objects.bulk_create(  # Django cannot bulk-create multi-table models; emails it can
        [m.Email(base_profile=account, email=f"ada{i}@example.com") for i in range(2)]
    )
    email = m.Email.objects.create(base_profile=account, email="ada@example.com")
    m.Email.objects.filter(pk=email.pk).update(is_primary=True)
    m.DiscordProfile.objects.filter(discord_user_id=70004).delete()
    person.description = "writes code"
    person.save()

    def rows(query: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in raw.execute(query, args).fetchall()]

    assert rows(
        "select username, display_name, avatar_url, identity_id, source"
        " from cppa_raw.github_accounts where base_profile_id = %s order by observation_id",
        account.pk,
    ) == [
        ("adaw", "", "", person.pk, "django"),
        ("adaw", "Ada Writer", "", None, "django"),
        ("adaw", "Ada Writer", "https://a.example/x.png", None, "django"),
    ]
    assert rows(
        "select platform, natural_key from cppa_raw.profiles where base_profile_id = %s",
        account.pk,
    ) == [("github", "70001")]
    assert rows(
        "select count(*) from cppa_raw.discord_profiles where discord_user_id between 70002 and 70004"
    ) == [(3,)]
    gone = m.BaseProfile.objects.filter(pk__gt=account.pk).count()
    assert gone == 2
    assert rows("select kind, source from cppa_raw.removals") == [("profile", "django")]
    assert rows("select count(*) from cppa_raw.emails where email like 'ada_@example.com'") == [
        (2,)
    ]
    assert rows(
        "select action, email, is_primary from cppa_raw.emails where email_id = %s"
        " order by event_id",
        email.pk,
    ) == [("add", "ada@example.com", False), ("update", None, True)]
    assert rows(
        "select action, display_name, description from cppa_raw.identities"
        " where identity_id = %s order by event_id",
        person.pk,
    ) == [("create", "Ada Writer", ""), ("update", None, "writes code")]


def test_a_key_another_profile_holds_is_kept_not_refused(
    orm: Any, raw: psycopg.Connection[Any]
) -> None:
    """The old GitHubAccount.github_account_id is not unique: the log keeps both."""
    from loaders.django_app import models as m

    first = m.GitHubAccount.objects.create(github_account_id=99999, username="one")
    second = m.GitHubAccount.objects.create(github_account_id=99999, username="two")
    keys = dict(
        raw.execute(
            "select base_profile_id, natural_key from cppa_raw.profiles"
            " where base_profile_id in (%s, %s)",
            (first.pk, second.pk),
        ).fetchall()
    )
    assert keys == {first.pk: "99999", second.pk: f"django:{second.pk}"}


def test_the_keys_django_gives_survive_export_and_import(
    orm: Any,
    raw: psycopg.Connection[Any],
    module_database: dbmod.Database,
    admin_conninfo: str,
    template_db: str,
) -> None:
    """A list poster or WG21 author made through the ORM, and a GitHub account
    whose id another holds, are keyed 'django:<id>' by the triggers. The export
    crashed on the first two (JSONDecodeError) and the import joined the third
    into the other account. Now the log (everything the module's tests wrote
    too) is rebuilt in a fresh database: the same raw log, the dump a fixed point."""
    from loaders.django_app import models as m
    from loaders.ops import transfer

    from .ops.test_transfer import _clone, canonical, dump_lines, logged_rows

    person = m.Identity.objects.create(display_name="Nia Declared")
    poster = m.MailingListProfile.objects.create(display_name="Nia Poster")
    poster.display_name = "Nia P. Renamed"
    poster.save()
    poster.identity = person
    poster.save()
    author = m.WG21PaperAuthorProfile.objects.create(display_name="Nia Author", author_alias="N.")
    first = m.GitHubAccount.objects.create(github_account_id=88888, username="nia")
    second = m.GitHubAccount.objects.create(github_account_id=88888, username="nia-two")
    keys = dict(
        raw.execute(
            "select base_profile_id, natural_key from cppa_raw.profiles"
            " where base_profile_id = any(%s)",
            ([poster.pk, author.pk, first.pk, second.pk],),
        ).fetchall()
    )
    assert keys == {
        poster.pk: f"django:{poster.pk}",
        author.pk: f"django:{author.pk}",
        first.pk: "88888",
        second.pk: f"django:{second.pk}",
    }

    lines = dump_lines(module_database.conninfo)
    with _clone(admin_conninfo, template_db, f"cppa_test_django_keys_{os.getpid()}") as target:
        with psycopg.connect(target.conninfo, autocommit=True) as conn:
            report = transfer.import_jsonl(conn, lines, strict=True)
        assert report.imported == len(lines) and not report.errors
        assert logged_rows(target.conninfo) == logged_rows(module_database.conninfo)
        assert canonical(dump_lines(target.conninfo)) == canonical(lines)


def test_a_key_an_imported_profile_keeps_is_not_taken(
    orm: Any, raw: psycopg.Connection[Any]
) -> None:
    """`import` keeps a profile's 'django:<id>' key from the database it came
    from, where another id was its own: a profile the ORM makes later under that
    id found its key taken, and the trigger registered nothing (its observations
    named no profile, and the merge never saw it). Now it takes 'django:<id>.1'."""
    from loaders.django_app import models as m

    own = raw.execute("select nextval('cppa_raw.node_id_seq')").fetchone()[0]
    raw.execute(
        "insert into cppa_raw.profiles (platform, natural_key, source)"
        " values ('mailing_list', %s, 'import')",
        (f"django:{own}",),
    )
    poster = m.MailingListProfile.objects.create(id=own, display_name="Ola Poster")
    assert raw.execute(
        "select p.natural_key, o.display_name from cppa_raw.profiles as p"
        " join cppa_raw.mailing_list_profiles as o using (base_profile_id)"
        " where p.base_profile_id = %s",
        (poster.pk,),
    ).fetchall() == [(f"django:{own}.1", "Ola Poster")]


def test_collector_writes_inside_atomic_and_reads_back_at_once(orm: Any) -> None:
    from django.db import transaction

    from loaders.django_app import services
    from loaders.django_app.models import GitHubAccount, Identity
    from tests.django_project.collector.models import Commit

    with transaction.atomic():
        person = services.create_identity(display_name="  Octo  ")
        assert Identity.objects.filter(pk=person.pk).exists()
        account, created = services.get_or_create_github_account(
            github_account_id=4242, username="octo", display_name="Octo Cat", identity=person
        )
        assert created and account.created_at is not None
        assert GitHubAccount.objects.get(pk=account.pk).identity_id == person.pk
        assert person.profiles.count() == 1
        services.add_email(account, "octo@example.com", is_primary=True)
        commit = Commit.objects.create(sha="a" * 40, account=account)
        commit.assignees.add(account)
        assert Commit.objects.select_related("account").get(pk=commit.pk).account.username == "octo"
        assert [e.email for e in account.emails.all()] == ["octo@example.com"]
        again, created = services.get_or_create_github_account(github_account_id=4242)
        assert not created and again.pk == account.pk and again.username == "octo"
    assert account.assigned_commits.get().sha == "a" * 40


def test_a_rollback_takes_the_log_rows_with_it(orm: Any, raw: psycopg.Connection[Any]) -> None:
    from django.db import transaction

    from loaders.django_app import services
    from loaders.django_app.models import SlackUser

    before = raw_counts(raw)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon), transaction.atomic():
        user, _ = services.get_or_create_slack_user(
            {"id": "U77", "name": "gone", "real_name": "Gone Soon"}
        )
        services.add_email(user, "gone@example.com")
        services.create_tmp_identity("staging", "rolled back")
        assert raw_counts(raw) == before  # another session sees nothing uncommitted
        raise Abandon
    assert raw_counts(raw) == before
    assert not SlackUser.objects.filter(slack_user_id="U77").exists()


def test_services_answer_as_the_old_ones_did(orm: Any) -> None:
    from loaders.django_app import services
    from loaders.django_app.models import GitHubAccount

    first, created = services.get_or_create_unknown_github_account("Some Author", "a@x.org")
    second, _ = services.get_or_create_unknown_github_account("Other Author")
    assert created and (first.github_account_id, second.github_account_id) == (-1, -2)
    assert services._get_next_negative_github_account_id() == -3
    again, created = services.get_or_create_unknown_github_account("Some Author", "b@x.org")
    assert not created and again.pk == first.pk
    assert sorted(e.email for e in again.emails.all()) == ["a@x.org", "b@x.org"]
    synthetic, created = services.get_or_create_github_account(github_account_id=-100)
    assert created and synthetic.github_account_id == -100
    with pytest.raises(ValueError, match=r"Slack user ID \('id'\) is required"):
        services.get_or_create_slack_user({"id": "  "})
    tmp = services.create_tmp_identity("t")
    relation, _ = services.add_temp_profile_identity_relation(first, tmp)
    assert relation.base_profile == first and isinstance(relation.base_profile, GitHubAccount)
    poster, _ = services.get_or_create_mailing_list_profile("  Ann  ", " ann@example.com ")
    assert poster.display_name == "Ann" and poster.emails.get().email == "ann@example.com"
    with pytest.raises(ValueError, match="display_name must not be empty"):
        services.get_or_create_mailing_list_profile("  ", "x@example.com")


def test_a_run_merges_and_writes_identities_back(
    orm: Any, scheduler: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    from loaders.django_app import models as m
    from loaders.django_app import services

    account, _ = services.get_or_create_github_account(github_account_id=5151, username="mira")
    services.add_email(account, "mira.kowal@kowalski-lab.dev", is_primary=True)
    slack, _ = services.get_or_create_slack_user(
        {"id": "U5151", "name": "mira", "profile": {"email": "mira.kowal@kowalski-lab.dev"}}
    )
    deleted, _ = services.get_or_create_youtube_speaker("UC-gone", "Gone Speaker")
    deleted.delete()
    # what the ORM accepts and the loaders would refuse must not fail the run
    odd = m.GitHubAccount.objects.create(github_account_id=6161, account_type="Bot")
    services.add_email(odd, "99999999999999999999+x@users.noreply.github.com")
    log_before = raw_counts(raw)
    summary = run(scheduler, full=True)
    assert summary.outcome == "success", summary.failures
    assert summary.counts["profiles_moved"] >= 2
    account.refresh_from_db()
    slack.refresh_from_db()
    assert account.identity_id is not None and account.identity_id == slack.identity_id
    assert m.Identity.objects.filter(pk=account.identity_id).exists()
    kind = raw.execute(
        "select account_type from cppa_identity.github_account where id = %s", (odd.pk,)
    )
    assert kind.fetchone() == ("user",)  # an unknown type counts as a user (raw keeps "Bot")
    assert raw_counts(raw) == log_before  # writing back says nothing to the log
    marts = raw.execute(
        "select count(*) from cppa_identity.base_profile where id = %s", (deleted.pk,)
    )
    assert marts.fetchone() == (0,)  # a deleted profile is out of the merge
    # every Django profile the run saw points at the run's identity
    mismatched = raw.execute(
        "select count(*) from public.cppa_user_tracker_baseprofile as b"
        " join cppa_identity.base_profile as p using (id)"
        " where b.identity_id is distinct from p.identity_id"
    ).fetchone()
    assert mismatched == (0,)
    status = json.loads(invoke("status", "--json").stdout)
    assert status["django_tables"] == "public"


def test_a_collector_renaming_a_written_back_identity_stops_no_run(
    orm: Any, scheduler: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    """A trial by hand under the collector's login: an ordinary ORM save of an
    `Identity` row the run wrote back (its id is its oldest profile's) was logged
    as an update of a declared identity with that id, a second node with a
    profile's id, and every later run failed its data tests
    (unique_int_profiles_clustered_node_id). The merge's rows are not something
    a collector declared: the save is kept in Django's table, logged as nothing,
    and the next run finds nothing new."""
    from loaders.django_app import models as m

    account = m.GitHubAccount.objects.get(github_account_id=5151)
    identity = m.Identity.objects.get(pk=account.identity_id)
    assert m.BaseProfile.objects.filter(pk=identity.pk).exists()  # a profile's id
    identity.display_name = "Mallory Renamed"
    identity.save()
    logged = raw.execute(
        "select count(*) from cppa_raw.identities where identity_id = %s", (identity.pk,)
    )
    assert logged.fetchone() == (0,)
    summary = run(scheduler)
    assert summary.outcome in ("success", "noop"), summary.failures


def cli_script() -> str:
    """The `cppa-identity` of the environment these tests run in (the operator's)."""
    return str(Path(sys.executable).parent / "cppa-identity")


def test_the_schedule_runs_the_merge_through_the_operators_executable(
    orm: Any, scheduler: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    """What the project's scheduler does (`call_command(name, *args)` for a YAML
    entry): the operator's `cppa-identity run`, named by a setting, merges as the
    operator's login; its output is passed through, and the run writes back."""
    from io import StringIO

    from django.core.management import call_command
    from django.test import override_settings

    from loaders.django_app import services
    from loaders.django_app.models import Identity

    account, _ = services.get_or_create_github_account(github_account_id=3131, username="sched")
    services.add_email(account, "zed.declared@zed-example.dev", is_primary=True)
    # a collector declares an identity for a newer profile; the merge joins it to the account
    declared, created = services.get_or_create_identity(display_name="Zed Declared")
    assert created
    slack, _ = services.get_or_create_slack_user(
        {"id": "U3131", "name": "zed", "profile": {"email": "zed.declared@zed-example.dev"}}
    )
    slack.identity = declared
    slack.save()
    out, err = StringIO(), StringIO()
    with override_settings(
        CPPA_IDENTITY_EXECUTABLE=cli_script(), CPPA_IDENTITY_MERGE_DSN=scheduler.conninfo
    ):
        call_command("run_cppa_user_tracker", stdout=out, stderr=err)
    last = raw.execute("select run_id, outcome from cppa_ops.runs order by run_id desc limit 1")
    run_id, outcome = last.fetchone()
    assert outcome == "success"
    assert f"run {run_id}" in out.getvalue() and "completed: the merge ran" in out.getvalue()
    account.refresh_from_db()
    slack.refresh_from_db()
    assert account.identity_id is not None  # written back by the operator's run
    assert slack.identity_id == account.identity_id != declared.pk
    # the declared row the merge joined to the account is gone, not left empty
    assert not Identity.objects.filter(pk=declared.pk).exists()
    assert not Identity.objects.filter(display_name="Zed Declared", profiles__isnull=True).exists()
    again, _ = services.get_or_create_identity(display_name="Zed Declared")
    assert services.get_or_create_identity(display_name="Zed Declared") == (again, False)
    assert raw.execute(
        "select count(*) from cppa_raw.identities where identity_id = %s and action = 'remove'",
        (declared.pk,),
    ).fetchone() == (0,)  # the log keeps the declaration


def test_the_merges_exit_status_and_output_are_passed_through(
    orm: Any, module_database: dbmod.Database, collector_login: str
) -> None:
    """A merge that fails fails the scheduled command with the executable's own
    status and message (here: the collector's login may not run the merge)."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.test import override_settings

    as_collector = psycopg.conninfo.make_conninfo(module_database.conninfo, user=collector_login)
    err = StringIO()
    with (
        override_settings(
            CPPA_IDENTITY_EXECUTABLE=cli_script(), CPPA_IDENTITY_MERGE_DSN=as_collector
        ),
        pytest.raises(CommandError, match="exited with status") as failed,
    ):
        call_command("run_cppa_user_tracker", stderr=err)
    alone = subprocess.run(
        [cli_script(), "run"],
        env=os.environ | {dbmod.DSN_ENV: as_collector},
        capture_output=True,
        text=True,
        check=False,
    )
    assert alone.returncode != 0 and "may not run the merge here" in alone.stderr
    assert (failed.value.returncode, err.getvalue()) == (alone.returncode, alone.stderr)


def test_without_the_merge_installed_the_command_says_what_to_install(
    orm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError
    from django.test import override_settings

    monkeypatch.setenv("PATH", "/nonexistent")
    out = StringIO()
    call_command("run_cppa_user_tracker", stdout=out)
    said = out.getvalue()
    assert "completed without a merge" in said and "pip install 'cppa-identity[cli]'" in said
    assert "CPPA_IDENTITY_EXECUTABLE" in said and "profiles moved" not in said
    with (
        override_settings(CPPA_IDENTITY_EXECUTABLE="/opt/nowhere/bin/cppa-identity"),
        pytest.raises(CommandError, match=r"CPPA_IDENTITY_EXECUTABLE = '/opt/nowhere"),
    ):
        call_command("run_cppa_user_tracker")


def test_the_command_is_one_of_the_projects_collector_commands(
    orm: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Where the project has a collector base command, the drop-in's command is one
    of them (its phases, its error logging); where it has none, it is a plain
    BaseCommand and nothing of a project is imported."""
    import importlib

    from django.core.management import call_command
    from django.core.management.base import BaseCommand, CommandError
    from django.test import override_settings

    from loaders.django_app.management.commands import run_cppa_user_tracker as module
    from tests.django_project.collector import command_base

    assert module.Command.__mro__[1] is BaseCommand  # the test project has no `core`
    assert "core.collectors" not in sys.modules
    try:
        with override_settings(
            CPPA_IDENTITY_COMMAND_BASE="tests.django_project.collector.command_base.BaseCollectorCommand",
            CPPA_IDENTITY_COLLECTOR_BASE="tests.django_project.collector.command_base.AbstractCollector",
            CPPA_IDENTITY_EXECUTABLE="/opt/nowhere/bin/cppa-identity",
        ):
            importlib.reload(module)
            command = module.Command()
            assert isinstance(command, command_base.BaseCollectorCommand)
            assert isinstance(command.get_collector(), command_base.AbstractCollector)
            with pytest.raises(CommandError), caplog.at_level("ERROR"):
                call_command(command)
            failure = [r for r in caplog.records if hasattr(r, "failure_category")]
            assert [(r.failure_category, r.collector_phase) for r in failure] == [
                ("command", "run")
            ]
            assert command_base.PHASES_RUN[-1:] == ["run"]
    finally:
        importlib.reload(module)
    assert module.Command.__mro__[1] is BaseCommand


def test_write_back_alone_after_a_run(orm: Any, owner_login: str) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with django_login(owner_login):
        call_command("run_cppa_user_tracker", "--write-back-only", stdout=out)
    assert "0 profiles moved" in out.getvalue()


def test_the_admin_registers_every_model(orm: Any) -> None:
    from django.apps import apps
    from django.contrib import admin

    models = set(apps.get_app_config("cppa_user_tracker").get_models())
    assert models - set(admin.site._registry) == set()


def test_publishing_never_moves_what_is_not_ours(
    orm: Any, scheduler: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    raw.execute("create table cppa_identity.collector_notes (note text)")
    raw.execute("insert into cppa_identity.collector_notes values ('keep me')")
    with pytest.raises(RunFailed, match=r"cppa_identity\.collector_notes \(table\)"):
        run(scheduler, full=True)
    assert raw.execute("select note from cppa_identity.collector_notes").fetchone() == ("keep me",)
    raw.execute("alter table cppa_identity.collector_notes set schema public")


def test_moving_in_the_old_tables_rows(
    orm: Any, raw: psycopg.Connection[Any], owner_login: str
) -> None:
    """Rows written while no trigger listened (a database the old app filled,
    numbered per table): one command appends them, keeps profile ids, renumbers
    an identity id that a profile's id takes, and a second call adds nothing."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with raw.transaction():
        raw.execute("set local cppa_identity.django_write_back = 'on'")  # triggers silent
        top = raw.execute("select max(id) + 10 from public.cppa_user_tracker_baseprofile")
        pid = top.fetchone()[0]
        raw.execute(
            "insert into public.cppa_user_tracker_identity values (%s, 'Old Person', '', now(), now())",
            (pid,),
        )
        raw.execute(
            "insert into public.cppa_user_tracker_baseprofile values (%s, 'github', %s)", (pid, pid)
        )
        raw.execute(
            "insert into public.cppa_user_tracker_githubaccount values"
            " (%s, 808080, 'oldlogin', 'Old Person', '', 'user', now(), now())",
            (pid,),
        )
        raw.execute(
            "insert into public.cppa_user_tracker_email"
            " (base_profile_id, email, is_primary, is_active, created_at, updated_at)"
            " values (%s, 'old@example.com', true, true, now(), now())",
            (pid,),
        )
    before = raw_counts(raw)
    with pytest.raises(CommandError, match="the owner's job"):
        call_command("cppa_identity_move_in")  # the collector's login
    assert raw_counts(raw) == before
    out = StringIO()
    with django_login(owner_login):
        call_command("cppa_identity_move_in", stdout=out)
    assert "identities_renumbered 1" in out.getvalue() and "github 1" in out.getvalue()
    moved = raw_counts(raw)
    assert moved["profiles"] == before["profiles"] + 1 and moved["emails"] == before["emails"] + 1
    owner = raw.execute(
        "select identity_id from public.cppa_user_tracker_baseprofile where id = %s", (pid,)
    )
    new_identity = owner.fetchone()[0]
    assert new_identity != pid
    assert raw.execute(
        "select display_name from cppa_raw.identities where identity_id = %s", (new_identity,)
    ).fetchone() == ("Old Person",)
    assert raw.execute(
        "select identity_id from cppa_raw.github_accounts where base_profile_id = %s", (pid,)
    ).fetchone() == (new_identity,)
    out = StringIO()
    with django_login(owner_login):
        call_command("cppa_identity_move_in", stdout=out)
    assert out.getvalue().strip() == "moved in: nothing new"
    assert raw_counts(raw) == moved


def test_flush_clears_the_tables_and_keeps_the_log(orm: Any, raw: psycopg.Connection[Any]) -> None:
    """What a TransactionTestCase does between tests: the Django tables empty; the
    log, append-only, keeps what was said and records each row's removal, as a
    DELETE would have; writes after it are recorded."""
    from django.core.management import call_command

    from loaders.django_app import models as m
    from loaders.django_app import services

    log = raw_counts(raw)
    profiles = m.BaseProfile.objects.count()
    emails = m.Email.objects.count()
    links = m.TempProfileIdentityRelation.objects.count()
    tmp = m.TmpIdentity.objects.count()
    declared = raw.execute(
        "select count(*) from public.cppa_user_tracker_identity as i"
        " where exists (select from cppa_raw.identities as r where r.identity_id = i.id)"
    ).fetchone()[0]
    assert profiles and emails and declared
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    assert set(django_rows(raw).values()) == {0}
    after = raw_counts(raw)
    assert after["removals"] == log["removals"] + profiles + tmp
    assert after["emails"] == log["emails"] + emails
    assert after["identities"] == log["identities"] + declared
    assert (
        after["temp_profile_identity_relations"] == log["temp_profile_identity_relations"] + links
    )
    grown = {"removals", "emails", "identities", "temp_profile_identity_relations"}
    assert {t: n for t, n in after.items() if t not in grown} == {
        t: n for t, n in log.items() if t not in grown
    }
    _, created = services.get_or_create_github_account(github_account_id=4242)
    assert created  # the flushed account is gone for Django
    assert raw_counts(raw)["github_accounts"] == log["github_accounts"] + 1


def fixture_file(raw: psycopg.Connection[Any], path: Path) -> tuple[Path, int]:
    """A fixture whose ids are the next ones the shared sequences would hand out."""
    node = raw.execute("select last_value + 1 from cppa_raw.node_id_seq").fetchone()[0]
    email = raw.execute("select last_value + 1 from cppa_raw.email_id_seq").fetchone()[0]
    rows: list[dict[str, Any]] = [
        {"model": "cppa_user_tracker.identity", "pk": node, "fields": {"display_name": "Fix"}},
        {
            "model": "cppa_user_tracker.baseprofile",
            "pk": node + 1,
            "fields": {"identity": node, "type": "github"},
        },
        {
            "model": "cppa_user_tracker.githubaccount",
            "pk": node + 1,
            "fields": {"github_account_id": 880000 + node, "username": f"fix{node}"},
        },
        {
            "model": "cppa_user_tracker.email",
            "pk": email,
            "fields": {"base_profile": node + 1, "email": f"fix{node}@example.com"},
        },
        {"model": "cppa_user_tracker.tmpidentity", "pk": node + 2, "fields": {"display_name": "t"}},
    ]
    stamps = {"created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"}
    for row in rows:
        if row["model"] != "cppa_user_tracker.baseprofile":
            row["fields"] |= stamps
    path.write_text(json.dumps(rows))
    return path, node


def create_one_of_each(tag: int) -> None:
    from loaders.django_app import services

    services.create_identity(display_name=f"after {tag}")
    account, _ = services.get_or_create_github_account(github_account_id=890000 + tag)
    services.add_email(account, f"after{tag}@example.com")
    services.create_tmp_identity(f"after {tag}")


def test_loaddata_then_create(orm: Any, raw: psycopg.Connection[Any], tmp_path: Path) -> None:
    """Fixtures name their ids; the next ids the drop-in hands out are past them."""
    from django.core.management import call_command

    from loaders.django_app.models import GitHubAccount

    path, node = fixture_file(raw, tmp_path / "people.json")
    call_command("loaddata", str(path), verbosity=0)
    assert GitHubAccount.objects.get(pk=node + 1).identity_id == node
    create_one_of_each(node)  # IntegrityError ... _pkey where the sequences lag behind
    assert raw.execute(
        "select natural_key from cppa_raw.profiles where base_profile_id = %s", (node + 1,)
    ).fetchone() == (str(880000 + node),)


def test_a_reset_sequences_test_case_with_fixtures(
    orm: Any, raw: psycopg.Connection[Any], tmp_path: Path
) -> None:
    """A project's TransactionTestCase with reset_sequences and fixtures, under the
    collector's login: Django resets what it knows, loads, the test creates."""
    import unittest
    from io import StringIO

    from django.test import TransactionTestCase

    path, node = fixture_file(raw, tmp_path / "people.json")

    class WithFixtures(TransactionTestCase):
        reset_sequences = True
        fixtures = (str(path),)

        def test_create(self) -> None:
            create_one_of_each(node)

    stream = StringIO()
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(WithFixtures)
    result = unittest.TextTestRunner(stream=stream).run(suite)
    assert result.wasSuccessful(), stream.getvalue()
