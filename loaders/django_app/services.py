"""The old app's sixteen service functions, same names and parameters, writing
through the loaders on Django's own connection: they join the caller's
`transaction.atomic()` (and roll back with it) and return model instances whose
primary key is the profile's id, so `Commit(account=account)` and
`account.emails.all()` work at once (the views read raw rows live)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import models as dj
from psycopg.pq import TransactionStatus

import loaders
from loaders import values as v
from loaders.errors import ConfigError

from . import models as m

SOURCE = "django"

# loader value class -> (model, its fields copied from the value)
PROFILE_MODELS: dict[type, tuple[type[dj.Model], tuple[str, ...]]] = {
    v.GithubAccount: (
        m.GitHubAccount,
        ("github_account_id", "username", "display_name", "avatar_url", "account_type"),
    ),
    v.SlackUser: (m.SlackUser, ("slack_user_id", "username", "display_name", "avatar_url")),
    v.DiscordProfile: (
        m.DiscordProfile,
        ("discord_user_id", "username", "display_name", "avatar_url", "is_bot"),
    ),
    v.MailingListProfile: (m.MailingListProfile, ("display_name",)),
    v.Wg21PaperAuthorProfile: (m.WG21PaperAuthorProfile, ("display_name", "author_alias")),
    v.YoutubeSpeaker: (m.YoutubeSpeaker, ("external_id", "display_name")),
}
PLATFORMS = {
    m.GitHubAccount: m.ProfileType.GITHUB,
    m.SlackUser: m.ProfileType.SLACK,
    m.DiscordProfile: m.ProfileType.DISCORD,
    m.MailingListProfile: m.ProfileType.MAILING_LIST,
    m.WG21PaperAuthorProfile: m.ProfileType.WG21,
    m.YoutubeSpeaker: m.ProfileType.YOUTUBE,
}


def connection(using: str = DEFAULT_DB_ALIAS) -> psycopg.Connection[Any]:
    """Django's psycopg connection, inside the caller's transaction when there is
    one (psycopg would otherwise open and commit a transaction of its own)."""
    wrapper = connections[using]
    wrapper.ensure_connection()
    raw = wrapper.connection
    if not isinstance(raw, psycopg.Connection):
        raise ConfigError(
            f"the Django database {using!r} is not on psycopg 3",
            "use Django 4.2 or later: it prefers psycopg (3), which cppa-identity installs",
        )
    if wrapper.in_atomic_block and raw.info.transaction_status == TransactionStatus.IDLE:
        raw.execute("select 1")  # Django begins lazily; begin now, so we are inside
    return raw


def _saved(instance: dj.Model, using: str) -> dj.Model:
    """An instance that Django treats as read from the database."""
    instance._state.adding = False
    instance._state.db = using
    return instance


def to_model(value: Any, using: str = DEFAULT_DB_ALIAS) -> Any:
    """The model instance for a loader value (tuples and None pass through)."""
    if isinstance(value, tuple):
        return tuple(to_model(item, using) for item in value)
    if value is None or isinstance(value, bool):
        return value
    if type(value) in PROFILE_MODELS:
        model, fields = PROFILE_MODELS[type(value)]
        instance = model(
            id=value.id,
            baseprofile_ptr_id=value.id,
            identity_id=value.identity_id,
            type=PLATFORMS[model],
            **{f: getattr(value, f) for f in fields},
        )
        return _saved(instance, using)
    if isinstance(value, v.Email):
        return _saved(
            m.Email(
                id=value.id,
                base_profile_id=value.base_profile_id,
                email=value.email,
                is_primary=value.is_primary,
                is_active=value.is_active,
            ),
            using,
        )
    if isinstance(value, v.Identity | v.TmpIdentity):
        model_class = m.Identity if isinstance(value, v.Identity) else m.TmpIdentity
        return _saved(
            model_class(
                id=value.id, display_name=value.display_name, description=value.description
            ),
            using,
        )
    if isinstance(value, v.TempProfileIdentityRelation):
        return _saved(
            m.TempProfileIdentityRelation(
                id=value.id,
                base_profile_id=value.base_profile_id,
                target_identity_id=value.target_identity_id,
            ),
            using,
        )
    raise TypeError(f"no model for {type(value).__name__}")


def _drop_in(name: str) -> Callable[..., Any]:
    """The service `name`: the loader of that name, with its signature minus the
    loaders' own `conn` and `source`, on Django's connection, returning models."""
    loader = getattr(loaders, name)
    signature = inspect.signature(loader)

    @functools.wraps(loader)
    def service(*args: Any, **kwargs: Any) -> Any:
        return to_model(loader(*args, **kwargs, conn=connection(), source=SOURCE))

    service.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name not in ("conn", "source")]
    )
    return service


create_identity = _drop_in("create_identity")
get_or_create_identity = _drop_in("get_or_create_identity")
create_tmp_identity = _drop_in("create_tmp_identity")
add_temp_profile_identity_relation = _drop_in("add_temp_profile_identity_relation")
remove_temp_profile_identity_relation = _drop_in("remove_temp_profile_identity_relation")
add_email = _drop_in("add_email")
update_email = _drop_in("update_email")
remove_email = _drop_in("remove_email")
get_or_create_mailing_list_profile = _drop_in("get_or_create_mailing_list_profile")
get_or_create_github_account = _drop_in("get_or_create_github_account")
get_or_create_owner_account = _drop_in("get_or_create_owner_account")
get_or_create_slack_user = _drop_in("get_or_create_slack_user")
get_or_create_unknown_github_account = _drop_in("get_or_create_unknown_github_account")
get_or_create_discord_profile = _drop_in("get_or_create_discord_profile")
get_or_create_wg21_paper_author_profile = _drop_in("get_or_create_wg21_paper_author_profile")
get_or_create_youtube_speaker = _drop_in("get_or_create_youtube_speaker")
