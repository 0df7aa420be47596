"""Small immutable values the loaders return (instead of ORM objects)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Email:
    id: int
    base_profile_id: int
    email: str
    is_primary: bool
    is_active: bool


@dataclass(frozen=True)
class Identity:
    id: int
    display_name: str
    description: str


@dataclass(frozen=True)
class TmpIdentity:
    id: int
    display_name: str
    description: str


@dataclass(frozen=True)
class TempProfileIdentityRelation:
    id: int
    base_profile_id: int
    target_identity_id: int


@dataclass(frozen=True)
class Profile:
    """Fields every profile value has: its base_profile id, declared identity, emails."""

    id: int
    identity_id: int | None
    emails: tuple[Email, ...]

    @property
    def base_profile_id(self) -> int:
        return self.id

    @property
    def primary_email(self) -> str | None:
        for email in self.emails:
            if email.is_primary and email.is_active:
                return email.email
        return None


@dataclass(frozen=True)
class GithubAccount(Profile):
    github_account_id: int
    username: str
    display_name: str
    avatar_url: str
    account_type: str


@dataclass(frozen=True)
class SlackUser(Profile):
    slack_user_id: str
    username: str
    display_name: str
    avatar_url: str


@dataclass(frozen=True)
class DiscordProfile(Profile):
    discord_user_id: int
    username: str
    display_name: str
    avatar_url: str
    is_bot: bool


@dataclass(frozen=True)
class MailingListProfile(Profile):
    display_name: str


@dataclass(frozen=True)
class Wg21PaperAuthorProfile(Profile):
    display_name: str
    author_alias: str


@dataclass(frozen=True)
class YoutubeSpeaker(Profile):
    external_id: str
    display_name: str


def emails_from_json(rows: list[dict[str, Any]] | None) -> tuple[Email, ...]:
    return tuple(
        Email(
            int(r["email_id"]),
            int(r["base_profile_id"]),
            r["email"] or "",
            bool(r["is_primary"]),
            bool(r["is_active"]),
        )
        for r in sorted(rows or [], key=lambda r: int(r["email_id"]))
    )


def normalize_email(address: str) -> str:
    """The marts' `email_normalized` rule (dbt macros normalize_email and
    create_idna_functions): trimmed, NFC, lower-cased, and with exactly one '@',
    each non-ASCII domain label in its IDNA ASCII form (`xn--` + Punycode)."""
    text = unicodedata.normalize("NFC", address.strip(" ")).lower()
    if text.count("@") != 1 or text.isascii():
        return text
    local, domain = text.split("@")
    labels = domain.translate(_IDEOGRAPHIC_DOTS).split(".")
    return (
        local
        + "@"
        + ".".join(
            label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
            for label in labels
        )
    )


_IDEOGRAPHIC_DOTS = {0x3002: ".", 0xFF0E: ".", 0xFF61: "."}


def email_key_sql(expression: str) -> str:
    """SQL giving normalize_email(`expression`): the one rule for "the same
    address" wherever Python asks the database (the loaders' "this profile
    already has the address", import's address holders). ASCII by ASCII rules
    whatever the database's locale (lower() under a Turkish collation maps "I"
    to a dotless i), anything else through cppa_lib.normalize_email_unicode, as
    the dbt macro normalize_email does; tests/test_folding.py holds them equal."""
    e = expression
    return (
        f"(case when octet_length({e}) = char_length({e})"
        f' then lower(btrim({e}) collate "C") collate "default"'
        f" else cppa_lib.normalize_email_unicode({e}) end)"
    )
