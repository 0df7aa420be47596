"""The existing Django project keeps working: a collector-like app with a foreign
key into `cppa_user_tracker.GitHubAccount` writes through the drop-in services
inside `transaction.atomic()`, reads what it wrote at once through the ORM, and
cannot write through the models; the views follow the persistent setting."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from typer.testing import CliRunner

from loaders import db as dbmod
from loaders.cli import app
from loaders.errors import RunFailed
from loaders.ops.runs import run

from .helpers import raw_counts

django = pytest.importorskip("django", reason="Django is a dev dependency: pip install -e '.[dev]'")

VIEWS = (
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


def views(conn: psycopg.Connection[Any]) -> set[str]:
    rows = conn.execute(
        "select table_name from information_schema.views where table_schema = 'cppa_identity'"
        " and table_name like 'cppa_user_tracker_%'"
    ).fetchall()
    return {r[0].removeprefix("cppa_user_tracker_") for r in rows}


@pytest.fixture(scope="module")
def compat_db(module_database: dbmod.Database) -> Iterator[dbmod.Database]:
    """The module's database with the setting on (views built by `config`)."""
    os.environ[dbmod.DSN_ENV] = module_database.conninfo
    result = invoke("config", "django-compat", "on")
    assert "running the merge to build the views" in result.output
    yield module_database


@pytest.fixture(scope="module")
def orm(compat_db: dbmod.Database) -> Iterator[Any]:
    """Django set up on the module's database, its migrations applied."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.django_project.settings"
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    yield django
    from django.db import connections

    connections.close_all()


@pytest.fixture
def raw(compat_db: dbmod.Database) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(compat_db.conninfo, autocommit=True) as conn:
        yield conn


def test_the_setting_is_kept_and_every_run_honours_it(
    compat_db: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    assert views(raw) == set(VIEWS)
    assert invoke("config", "django-compat").output.strip() == "django-compat on"
    status = json.loads(invoke("status", "--json").stdout)
    assert status["django_compat"] == {"setting": True, "views_built": True}
    invoke("config", "django-compat", "sideways", code=2)


def test_publishing_never_moves_what_is_not_ours(
    compat_db: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    raw.execute("create table cppa_identity.collector_notes (note text)")
    raw.execute("insert into cppa_identity.collector_notes values ('keep me')")
    with pytest.raises(RunFailed, match=r"cppa_identity\.collector_notes \(table\)"):
        run(compat_db, full=True)
    assert raw.execute("select note from cppa_identity.collector_notes").fetchone() == ("keep me",)
    raw.execute("alter table cppa_identity.collector_notes set schema public")
    assert run(compat_db, full=True).outcome == "success"
    assert raw.execute("select note from public.collector_notes").fetchone() == ("keep me",)
    assert views(raw) == set(VIEWS)  # a run without the flag: the setting rules


def test_collector_writes_inside_atomic_and_reads_back_at_once(orm: Any) -> None:
    from django.db import transaction

    from loaders.django_app import services
    from loaders.django_app.models import BaseProfile, Email, GitHubAccount
    from tests.django_project.collector.models import Commit

    with transaction.atomic():
        account, created = services.get_or_create_github_account(
            github_account_id=4242, username="octo", display_name="Octo Cat"
        )
        assert created and isinstance(account, GitHubAccount) and account.pk == account.id
        email = services.add_email(account, "octo@example.com", is_primary=True)
        assert isinstance(email, Email)
        commit = Commit.objects.create(sha="a" * 40, account=account)
        fetched = Commit.objects.select_related("account").get(pk=commit.pk)
        assert fetched.account.username == "octo"
        assert [e.email for e in account.emails.all()] == ["octo@example.com"]
        assert GitHubAccount.objects.get(github_account_id=4242).pk == account.pk
        assert BaseProfile.objects.get(pk=account.pk).identity is None  # no run has seen it
        assert account.commits.count() == 1
        again, created = services.get_or_create_github_account(
            github_account_id=4242, username="octo"
        )
        assert not created and again.pk == account.pk
    assert Commit.objects.get(sha="a" * 40).account.display_name == "Octo Cat"


def test_a_rollback_takes_the_loader_rows_with_it(orm: Any, raw: psycopg.Connection[Any]) -> None:
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
        assert SlackUser.objects.filter(slack_user_id="U77").exists()  # read your writes
        raise Abandon
    assert raw_counts(raw) == before
    assert not SlackUser.objects.filter(slack_user_id="U77").exists()


def test_every_view_reads_through_the_orm(orm: Any, compat_db: dbmod.Database) -> None:
    from django.db.models import Count
    from django.utils import timezone

    from loaders.django_app import models as m
    from loaders.django_app import services

    account = m.GitHubAccount.objects.get(github_account_id=4242)
    slack, _ = services.get_or_create_slack_user(
        {
            "id": "U42",
            "name": "octo",
            "real_name": "Octo Cat",
            "profile": {"email": "octo@example.com"},
        }
    )
    services.get_or_create_discord_profile(4242, "octobot", "Octo Bot", is_bot=True)
    poster, _ = services.get_or_create_mailing_list_profile("Octo Cat", "octo@example.com")
    author, _ = services.get_or_create_wg21_paper_author_profile(
        "Octo Cat", "octo@example.com", "oc"
    )
    speaker, _ = services.get_or_create_youtube_speaker("UC42", "Octo Cat")
    stranger, _ = services.get_or_create_unknown_github_account("Some Author", "some@example.org")
    tmp = services.create_tmp_identity("staging", "a tmp identity")
    relation, _ = services.add_temp_profile_identity_relation(speaker, tmp)
    assert isinstance(relation, m.TempProfileIdentityRelation)
    assert run(compat_db).outcome == "success"

    account = m.GitHubAccount.objects.get(pk=account.pk)
    assert account.identity is not None and timezone.is_aware(account.created_at)
    person = m.Identity.objects.prefetch_related("profiles").get(pk=account.identity_id)
    assert {p.pk for p in person.profiles.all()} >= {account.pk, slack.pk, poster.pk}
    assert stranger.pk not in {p.pk for p in person.profiles.all()}
    assert m.BaseProfile.objects.get(pk=account.pk).githubaccount.username == "octo"  # MTI
    assert m.Email.objects.filter(email="octo@example.com").count() == 4
    assert m.GitHubAccount.objects.filter(username__iexact="OCTO").get().pk == account.pk
    assert m.GitHubAccount.objects.filter(emails__email="octo@example.com").get().pk == account.pk
    listed = m.GitHubAccount.objects.select_related("identity").prefetch_related("emails")
    assert any(a.emails.all() and a.identity for a in listed)
    assert account.get_account_type_display() == "User"
    assert m.BaseProfile.objects.filter(type=m.ProfileType.YOUTUBE).get().pk == speaker.pk
    assert m.SlackUser.objects.get(slack_user_id="U42").display_name == "Octo Cat"
    assert m.DiscordProfile.objects.get(discord_user_id=4242).is_bot is True
    assert m.WG21PaperAuthorProfile.objects.get(pk=author.pk).author_alias == "oc"
    assert m.YoutubeSpeaker.objects.get(external_id="UC42").pk == speaker.pk
    assert m.MailingListProfile.objects.filter(pk=poster.pk).exists()
    linked = m.TempProfileIdentityRelation.objects.select_related("target_identity").get()
    assert linked.target_identity.description == "a tmp identity"
    assert m.TmpIdentity.objects.get(pk=tmp.pk).temp_profile_relations.get().pk == relation.pk
    assert m.BaseProfile.objects.values("type").annotate(n=Count("id")).count() == 6
    services.remove_temp_profile_identity_relation(speaker, tmp)
    assert not m.TempProfileIdentityRelation.objects.exists()


def test_columns_are_typed_like_the_models(orm: Any, raw: psycopg.Connection[Any]) -> None:
    from django.apps import apps

    for model in apps.get_app_config("cppa_user_tracker").get_models():
        view = model._meta.db_table.split('"."')[-1]
        declared = {
            f.column: f.max_length
            for f in model._meta.local_fields
            if f.get_internal_type() in ("CharField", "URLField")
        }
        found = dict(
            raw.execute(
                "select column_name, character_maximum_length from information_schema.columns"
                " where table_schema = 'cppa_identity' and table_name = %s",
                (view,),
            ).fetchall()
        )
        assert {c: found.get(c) for c in declared} == declared, view


def test_writes_through_the_models_are_refused(orm: Any) -> None:
    from django.db import DatabaseError, transaction

    from loaders.django_app import models as m

    account = m.GitHubAccount.objects.get(github_account_id=4242)
    writes = [
        lambda: m.GitHubAccount.objects.filter(pk=account.pk).update(username="hijacked"),
        lambda: m.Email.objects.create(base_profile_id=account.pk, email="x@example.com"),
        lambda: m.Identity.objects.create(display_name="Nobody"),
        lambda: m.TmpIdentity.objects.filter(pk__gt=0).delete(),
        lambda: account.save(),
    ]
    for write in writes:
        with pytest.raises(DatabaseError, match="read-only view"), transaction.atomic():
            write()
    assert m.GitHubAccount.objects.get(pk=account.pk).username == "octo"


def test_lookups_by_key_use_indexes(orm: Any, raw: psycopg.Connection[Any]) -> None:
    """With sequential scans priced out, every key lookup still finds an index:
    none has to read a whole raw table."""
    lookups = [
        "select * from cppa_identity.cppa_user_tracker_githubaccount where baseprofile_ptr_id = 1",
        "select * from cppa_identity.cppa_user_tracker_githubaccount where github_account_id = 4242",
        "select * from cppa_identity.cppa_user_tracker_slackuser where slack_user_id = 'U42'",
        "select * from cppa_identity.cppa_user_tracker_discordprofile where discord_user_id = 4242",
        "select * from cppa_identity.cppa_user_tracker_youtubespeaker where external_id = 'UC42'",
        "select * from cppa_identity.cppa_user_tracker_baseprofile where id = 1",
        "select * from cppa_identity.cppa_user_tracker_email where id = 1",
        "select * from cppa_identity.cppa_user_tracker_email where base_profile_id = 1",
        "select * from cppa_identity.cppa_user_tracker_identity where id = 1",
    ]
    with raw.transaction():
        raw.execute("set local enable_seqscan = off")
        for lookup in lookups:
            plan = "\n".join(r[0] for r in raw.execute("explain " + lookup).fetchall())
            assert "Seq Scan" not in plan, plan


def test_turning_the_setting_off_drops_the_views(
    orm: Any, compat_db: dbmod.Database, raw: psycopg.Connection[Any]
) -> None:
    from django.db import connections

    connections.close_all()
    invoke("config", "django-compat", "off")
    assert views(raw) == set()
    status = json.loads(invoke("status", "--json").stdout)
    assert status["django_compat"] == {"setting": False, "views_built": False}
