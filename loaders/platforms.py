"""Every platform, declared once: its raw table (which is also its loader module,
dbt source and staging model: `loaders.<table>`, `stg_cppa_raw__<table>`,
`int_<table>_collapsed`), its key, the fields an observation carries, whether
its ids are the platform's own accounts (verified) or claims, and its loaders.

The loaders' specs, import and export, the dump and the merge's union of
profiles (dbt var `platforms`, written by `dbt_var()`; tests/test_platforms.py
holds the two equal) read it. Adding a platform: a declaration here, its loader
module (with `observed` and `arguments`), its raw table (a migration), the
same entry in dbt_project.yml's var `platforms` (a test says when it differs),
its staging and collapsed models (one macro call each: stg_platform,
collapse_platform), its mart, value class and Django model (the reference's
table for that platform)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Platform:
    name: str  # cppa_raw.profiles.platform, the marts' profile type
    table: str  # the raw table of its observations
    key_column: str | None  # the observation column holding the natural key, if any
    key_type: str  # the key's SQL type
    fields: tuple[tuple[str, str], ...]  # (column, SQL type): a non-empty value replaces
    single: str  # the get-or-create loader
    bulk: str  # the bulk loader
    account: bool  # its ids are accounts the platform gives (verified), else claims
    # when an identity takes its name from its profiles, a name from a platform of
    # a lower rank wins a tie (papers and lists carry the most complete names)
    name_rank: int
    single_account: bool = False  # a person holds one account here
    has_identity: bool = False  # a call may declare the profile's identity
    defaults: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # what the merge's union of profiles (int_profiles_unioned) reads, as SQL over
    # the collapsed model, where the platform has more than its fields say
    merge: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def field_names(self) -> list[str]:
        return [name for name, _ in self.fields]

    @property
    def module(self) -> str:
        """Its loader module."""
        return f"loaders.{self.table}"

    def merge_columns(self) -> dict[str, str]:
        """The union's columns for this platform, as SQL over its collapsed model."""
        names = self.field_names
        return {
            "username": "username" if "username" in names else "''",
            "is_organization": "false",
            "is_bot": "is_bot" if "is_bot" in names else "false",
            "is_platform_account": "true" if self.account else "false",
        } | dict(self.merge)


PLATFORMS = (
    Platform(
        name="github",
        table="github_accounts",
        key_column="github_account_id",
        key_type="bigint",
        fields=(
            ("username", "text"),
            ("display_name", "text"),
            ("avatar_url", "text"),
            ("account_type", "text"),
        ),
        single="get_or_create_github_account",
        bulk="load_github_accounts",
        account=True,
        name_rank=3,
        single_account=True,
        has_identity=True,
        defaults=MappingProxyType({"account_type": "user"}),
        # commit authors with no GitHub user take ids <= 0: claims, not accounts
        merge=MappingProxyType(
            {
                "is_organization": "account_type <> 'user'",
                "is_bot": "username like '%[bot]'",
                "is_platform_account": "github_account_id > 0",
            }
        ),
    ),
    Platform(
        name="slack",
        table="slack_users",
        key_column="slack_user_id",
        key_type="text",
        fields=(("username", "text"), ("display_name", "text"), ("avatar_url", "text")),
        single="get_or_create_slack_user",
        bulk="load_slack_users",
        account=True,
        name_rank=4,
        # a person has a user per workspace, and the raw rows do not say which
        single_account=False,
    ),
    Platform(
        name="discord",
        table="discord_profiles",
        key_column="discord_user_id",
        key_type="bigint",
        fields=(
            ("username", "text"),
            ("display_name", "text"),
            ("avatar_url", "text"),
            ("is_bot", "boolean"),
        ),
        single="get_or_create_discord_profile",
        bulk="load_discord_profiles",
        account=True,
        name_rank=6,
        single_account=True,
        has_identity=True,
        defaults=MappingProxyType({"is_bot": False}),
    ),
    Platform(
        name="mailing_list",
        table="mailing_list_profiles",
        key_column=None,
        key_type="text",
        fields=(("display_name", "text"),),
        single="get_or_create_mailing_list_profile",
        bulk="load_mailing_list_profiles",
        account=False,
        name_rank=2,
    ),
    Platform(
        name="wg21",
        table="wg21_paper_author_profiles",
        key_column=None,
        key_type="text",
        fields=(("display_name", "text"), ("author_alias", "text")),
        single="get_or_create_wg21_paper_author_profile",
        bulk="load_wg21_paper_author_profiles",
        account=False,
        name_rank=1,
    ),
    Platform(
        name="youtube",
        table="youtube_speakers",
        key_column="external_id",
        key_type="text",
        fields=(("display_name", "text"),),
        single="get_or_create_youtube_speaker",
        bulk="load_youtube_speakers",
        account=True,
        name_rank=5,
        single_account=True,
        has_identity=True,
    ),
)

BY_NAME = MappingProxyType({p.name: p for p in PLATFORMS})
BY_SINGLE = MappingProxyType({p.single: p for p in PLATFORMS})


def _sql(value: Any) -> str:
    """A field's default as an SQL literal (what the collapsed model shows for a
    field never given, as the loaders' values do)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "'" + str(value).replace("'", "''") + "'"


def dbt_var() -> dict[str, Any]:
    """The dbt vars the registry gives the project (dbt_project.yml): every
    platform (what the merge's models read of it) and the single-account ones."""
    return {
        "platforms": [
            {
                "name": p.name,
                "table": p.table,
                "key_column": p.key_column,
                "name_rank": p.name_rank,
                "fields": [[name, _sql(p.defaults.get(name, ""))] for name in p.field_names],
                **p.merge_columns(),
            }
            for p in PLATFORMS
        ],
        "single_account_platforms": [p.name for p in PLATFORMS if p.single_account],
    }
