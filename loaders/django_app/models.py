"""The old app's models, unchanged in fields, names, tables and relations: real
tables that Django owns, so foreign keys, `flush`, model_bakery and migrations
work as they did.

Every write to these tables is also appended to cppa-identity's raw log by
triggers (`sql/install.sql`, installed after `migrate`): an INSERT or UPDATE is
an observation, a DELETE a recorded removal, all with source `django`. The merge
reads the log; `cppa-identity run` writes each profile's identity back here.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class ProfileType(models.TextChoices):
    GITHUB = "github", "GitHub"
    SLACK = "slack", "Slack"
    MAILING_LIST = "mailing_list", "Mailing list"
    WG21 = "wg21", "WG21"
    DISCORD = "discord", "Discord"
    YOUTUBE = "youtube", "YouTube"


class GitHubAccountType(models.TextChoices):
    USER = "user", "User"
    ORGANIZATION = "organization", "Organization"
    ENTERPRISE = "enterprise", "Enterprise"


class Identity(models.Model):
    """One person. Collectors may declare one; after a run, the merge's."""

    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Identity"
        verbose_name_plural = "Identities"
        ordering = ["id"]


class TmpIdentity(models.Model):
    """A staging identity that profiles are related to before a merge."""

    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "Temporary identity"
        verbose_name_plural = "Temporary identities"


class BaseProfile(models.Model):
    """A platform profile; the platform's table extends it (multi-table inheritance)."""

    identity = models.ForeignKey(
        Identity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        db_column="identity_id",
    )
    type = models.CharField(max_length=20, choices=ProfileType.choices, db_index=True)


class TempProfileIdentityRelation(models.Model):
    base_profile = models.ForeignKey(
        BaseProfile,
        on_delete=models.CASCADE,
        related_name="temp_identity_relations",
        db_column="base_profile_id",
    )
    target_identity = models.ForeignKey(
        TmpIdentity,
        on_delete=models.CASCADE,
        related_name="temp_profile_relations",
        db_column="target_identity_id",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "Temporary profile-identity relation"
        verbose_name_plural = "Temporary profile-identity relations"


class Email(models.Model):
    base_profile = models.ForeignKey(
        BaseProfile,
        on_delete=models.CASCADE,
        related_name="emails",
        db_column="base_profile_id",
    )
    email = models.CharField(max_length=255, db_index=True)
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class _StampsPlatform:
    """A platform's profile: `save()` stamps the platform on the base row."""

    platform: str = ""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.type = self.platform
        super().save(*args, **kwargs)  # type: ignore[misc]


class GitHubAccount(_StampsPlatform, BaseProfile):
    platform = "github"  # ProfileType.GITHUB

    github_account_id = models.BigIntegerField(db_index=True)
    username = models.CharField(max_length=255, db_index=True, blank=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    avatar_url = models.URLField(max_length=512, blank=True)
    account_type = models.CharField(
        max_length=20,
        choices=GitHubAccountType.choices,
        db_index=True,
        default=GitHubAccountType.USER,
        db_column="account_type",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class SlackUser(_StampsPlatform, BaseProfile):
    platform = "slack"  # ProfileType.SLACK

    slack_user_id = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=255, db_index=True, blank=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    avatar_url = models.URLField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class MailingListProfile(_StampsPlatform, BaseProfile):
    platform = "mailing_list"  # ProfileType.MAILING_LIST

    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class WG21PaperAuthorProfile(_StampsPlatform, BaseProfile):
    platform = "wg21"  # ProfileType.WG21

    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    author_alias = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class DiscordProfile(_StampsPlatform, BaseProfile):
    platform = "discord"  # ProfileType.DISCORD

    discord_user_id = models.BigIntegerField(unique=True, db_index=True)
    username = models.CharField(max_length=255, db_index=True, blank=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    avatar_url = models.URLField(max_length=512, blank=True)
    is_bot = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class YoutubeSpeaker(_StampsPlatform, BaseProfile):
    """Keyed by `external_id`, stable across renames; the name is not a key."""

    platform = "youtube"  # ProfileType.YOUTUBE

    external_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
