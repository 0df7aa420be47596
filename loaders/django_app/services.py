"""The old app's service functions, same names, parameters, results and errors,
on the drop-in's models. They are plain ORM writes: the triggers installed after
`migrate` append each one to cppa-identity's raw log (source `django`), so a
caller's `transaction.atomic()` covers both, and reads see writes at once.

`connection()` hands Django's own psycopg connection to code that speaks to
the database directly (the migrate hook, the move-in and run commands).
"""

from __future__ import annotations

from typing import Any, Protocol

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Min
from psycopg.pq import TransactionStatus

from ..errors import ConfigError
from .models import (
    BaseProfile,
    DiscordProfile,
    Email,
    GitHubAccount,
    Identity,
    MailingListProfile,
    SlackUser,
    TempProfileIdentityRelation,
    TmpIdentity,
    WG21PaperAuthorProfile,
    YoutubeSpeaker,
)


def connection(using: str = DEFAULT_DB_ALIAS) -> psycopg.Connection[Any]:
    """Django's psycopg connection, inside the caller's transaction when there is
    one (psycopg would otherwise open and commit a transaction of its own)."""
    wrapper = connections[using]
    wrapper.ensure_connection()
    raw = wrapper.connection
    if not isinstance(raw, psycopg.Connection):
        raise ConfigError(
            f"the Django database {using!r} is not on psycopg 3",
            "install psycopg (3) next to Django 4.2 or later: Django then prefers it to psycopg2",
        )
    if wrapper.in_atomic_block and raw.info.transaction_status == TransactionStatus.IDLE:
        raw.execute("select 1")  # Django begins lazily; begin now, so we are inside
    return raw


def _text(value: Any) -> str:
    """API data can be None; the columns are NOT NULL text."""
    return value or ""


# --- identities ------------------------------------------------------------------


def create_identity(display_name: str = "", description: str = "") -> Identity:
    """A new Identity."""
    return Identity.objects.create(display_name=display_name, description=description)


def get_or_create_identity(
    display_name: str = "",
    description: str = "",
    defaults: dict[str, Any] | None = None,
) -> tuple[Identity, bool]:
    """The Identity named `display_name`, created when there is none; an existing
    one takes the description of `defaults` when it differs."""
    defaults = defaults or {"description": description}
    try:
        identity, created = Identity.objects.get_or_create(
            display_name=display_name, defaults=defaults
        )
    except Identity.MultipleObjectsReturned:
        # a run wrote a merged identity of that name beside one a collector declared
        # (and another app's row keeps the declared one): the one with profiles
        identity = (
            Identity.objects.filter(display_name=display_name)
            .annotate(profile_count=Count("profiles"))
            .order_by("-profile_count", "id")
            .first()
        )
        assert identity is not None
        created = False
    if (
        not created
        and "description" in defaults
        and identity.description != defaults["description"]
    ):
        identity.description = defaults["description"]
        identity.save(update_fields=["description"])
    return identity, created


def create_tmp_identity(display_name: str = "", description: str = "") -> TmpIdentity:
    """A new staging identity."""
    return TmpIdentity.objects.create(display_name=display_name, description=description)


def add_temp_profile_identity_relation(
    base_profile: BaseProfile, target_identity: TmpIdentity
) -> tuple[TempProfileIdentityRelation, bool]:
    """Link a profile to a staging identity: (relation, created)."""
    relation, created = TempProfileIdentityRelation.objects.get_or_create(
        base_profile=base_profile, target_identity=target_identity
    )
    # the caller's own instances behind the relation (a GitHubAccount stays one)
    relation.base_profile = base_profile
    relation.target_identity = target_identity
    return relation, created


def remove_temp_profile_identity_relation(
    base_profile: BaseProfile, target_identity: TmpIdentity
) -> None:
    """Remove the link between a profile and a staging identity, if any."""
    TempProfileIdentityRelation.objects.filter(
        base_profile=base_profile, target_identity=target_identity
    ).delete()


# --- emails ----------------------------------------------------------------------


def add_email(
    base_profile: BaseProfile, email: str, is_primary: bool = False, is_active: bool = True
) -> Email:
    """A new Email of `base_profile`."""
    return Email.objects.create(
        base_profile=base_profile, email=email, is_primary=is_primary, is_active=is_active
    )


def update_email(email_obj: Email, **kwargs: Any) -> Email:
    """Change `email`, `is_primary` or `is_active` of an Email (other keys are ignored)."""
    for key in ("email", "is_primary", "is_active"):
        if key in kwargs:
            setattr(email_obj, key, kwargs[key])
    email_obj.save()
    return email_obj


def remove_email(email_obj: Email) -> None:
    """Delete an Email (the log keeps it, as removed)."""
    email_obj.delete()


def _add_first_email(profile: BaseProfile, address: str) -> None:
    """Add `address` unless the profile has it; primary when it is the first."""
    if address and not profile.emails.filter(email=address).exists():
        add_email(profile, address, is_primary=not profile.emails.exists())


# --- profiles --------------------------------------------------------------------


def get_or_create_mailing_list_profile(
    display_name: str = "", email: str = ""
) -> tuple[MailingListProfile, bool]:
    """The list poster with this name and address, created (with the address as
    its primary email) when there is none. ValueError on an empty name."""
    name = (display_name or "").strip()
    address = (email or "").strip()
    if not name:
        raise ValueError("display_name must not be empty.")
    found = (
        MailingListProfile.objects.filter(display_name=name, emails__email=address)
        .distinct()
        .first()
    )
    if found is not None:
        return found, False
    profile = MailingListProfile.objects.create(display_name=name)
    if address:
        add_email(profile, address, is_primary=True)
    return profile, True


def get_or_create_github_account(
    github_account_id: int,
    username: str = "",
    display_name: str = "",
    avatar_url: str = "",
    account_type: str = "user",  # GitHubAccountType.USER
    identity: Identity | None = None,
) -> tuple[GitHubAccount, bool]:
    """The account with this GitHub id: created with these fields (and `identity`),
    or updated with the non-empty ones (the account type always)."""
    account, created = GitHubAccount.objects.get_or_create(
        github_account_id=github_account_id,
        defaults={
            "username": _text(username),
            "display_name": _text(display_name),
            "avatar_url": _text(avatar_url),
            "account_type": account_type,
            "identity": identity,
        },
    )
    if not created:
        account.username = username or account.username
        account.display_name = display_name or account.display_name
        account.avatar_url = avatar_url or account.avatar_url
        account.account_type = account_type
        account.save()
    return account, created


class GitHubClientProtocol(Protocol):
    """What get_or_create_owner_account needs of a GitHub API client."""

    def rest_request(self, path: str) -> dict[str, Any]: ...


# the API's "type" -> GitHubAccountType (its values are these words)
OWNER_TYPES = ("organization", "user", "enterprise")


def get_or_create_owner_account(client: GitHubClientProtocol, owner: str) -> GitHubAccount:
    """The account of a repository owner (user or organisation): from the
    database by login when known, else from GET /users/{owner}."""
    known = GitHubAccount.objects.filter(username=owner).first()
    if known is not None:
        return known
    data = client.rest_request(f"/users/{owner}")
    kind = (data.get("type") or "User").strip().lower()
    account = get_or_create_github_account(
        github_account_id=data["id"],
        username=data.get("login") or owner,
        display_name=data.get("name") or "",
        avatar_url=data.get("avatar_url") or "",
        account_type=kind if kind in OWNER_TYPES else "user",
    )[0]
    _add_first_email(account, (data.get("email") or "").strip())
    return account


def _get_next_negative_github_account_id() -> int:
    """The next synthetic account id for commit authors without one: -1, -2, ..."""
    lowest = GitHubAccount.objects.filter(github_account_id__lt=0).aggregate(
        Min("github_account_id")
    )["github_account_id__min"]
    return -1 if lowest is None else lowest - 1


@transaction.atomic
def get_or_create_slack_user(user_data: dict[str, Any]) -> tuple[SlackUser, bool]:
    """The Slack user of an API user object: created, or updated with its
    non-empty fields; its profile email added when new. ValueError without 'id'."""
    user_id = (user_data.get("id") or "").strip()
    if not user_id:
        raise ValueError("Slack user ID ('id') is required")
    profile = user_data.get("profile") or {}
    username = (user_data.get("name") or "").strip()
    display_name = (user_data.get("real_name") or user_data.get("name") or "").strip()
    avatar_url = (profile.get("image_72") or "").strip()
    user, created = SlackUser.objects.get_or_create(
        slack_user_id=user_id,
        defaults={"username": username, "display_name": display_name, "avatar_url": avatar_url},
    )
    if not created:
        user.username = username or user.username
        user.display_name = display_name or user.display_name
        user.avatar_url = avatar_url or user.avatar_url
        user.save()
    address = (profile.get("email") or "").strip()
    if address and not user.emails.filter(email=address).exists():
        add_email(user, address, is_primary=not user.emails.filter(is_active=True).exists())
    return user, created


def get_or_create_unknown_github_account(
    name: str | None = None, email: str = ""
) -> tuple[GitHubAccount, bool]:
    """A commit author without a GitHub account: the synthetic account (negative
    id) with this name ("unknown" when empty), created when there is none."""
    display_name = (name or "").strip() or "unknown"
    address = (email or "").strip()
    known = GitHubAccount.objects.filter(display_name=display_name, github_account_id__lt=0).first()
    if known is not None:
        _add_first_email(known, address)
        return known, False
    account = get_or_create_github_account(
        github_account_id=_get_next_negative_github_account_id(),
        username=display_name,
        display_name=display_name,
        avatar_url="",
    )[0]
    if address:
        add_email(account, address, is_primary=True)
    return account, True


def get_or_create_discord_profile(
    discord_user_id: int,
    username: str = "",
    display_name: str = "",
    avatar_url: str = "",
    is_bot: bool = False,
    identity: Identity | None = None,
) -> tuple[DiscordProfile, bool]:
    """The Discord profile with this user id: created with these fields (and
    `identity`), or updated with the non-empty ones (is_bot always)."""
    profile, created = DiscordProfile.objects.get_or_create(
        discord_user_id=discord_user_id,
        defaults={
            "username": _text(username),
            "display_name": _text(display_name),
            "avatar_url": _text(avatar_url),
            "is_bot": is_bot,
            "identity": identity,
        },
    )
    if not created:
        profile.username = username or profile.username
        profile.display_name = display_name or profile.display_name
        profile.avatar_url = avatar_url or profile.avatar_url
        profile.is_bot = is_bot
        profile.save()
    return profile, created


def get_or_create_wg21_paper_author_profile(
    display_name: str, email: str | None = None
) -> tuple[WG21PaperAuthorProfile, bool]:
    """The paper author with this name: with this email when given, else one
    without emails; created (with the email) when none matches."""
    name = (display_name or "").strip()
    address = (email or "").strip() or None
    for profile in WG21PaperAuthorProfile.objects.filter(display_name=name).order_by("id"):
        if address and profile.emails.filter(email=address).exists():
            return profile, False
        if not address and not profile.emails.exists():
            return profile, False
    created = WG21PaperAuthorProfile.objects.create(display_name=name)
    if address:
        add_email(created, address, is_primary=True)
    return created, True


def get_or_create_youtube_speaker(
    external_id: str, display_name: str = "", identity: Identity | None = None
) -> tuple[YoutubeSpeaker, bool]:
    """The speaker with this channel/external id: created with the name (and
    `identity`), or renamed when a different non-empty name is given.
    ValueError on an empty id."""
    key = (external_id or "").strip()
    name = (display_name or "").strip()
    if not key:
        raise ValueError("external_id must not be empty.")
    speaker, created = YoutubeSpeaker.objects.get_or_create(
        external_id=key, defaults={"display_name": name, "identity": identity}
    )
    if not created and name and speaker.display_name != name:
        speaker.display_name = name
        speaker.save(update_fields=["display_name", "updated_at"])
    return speaker, created
