"""The old app's models, unchanged in fields, names and relations, but unmanaged:
each reads a live, read-only view that cppa-identity builds in its marts schema
(`cppa-identity config django-compat on`). Writes go through `services`."""

from django.db import models

SCHEMA = "cppa_identity"


def view(name: str) -> str:
    """The view's schema-qualified name, quoted the way Django quotes db_table."""
    return f'{SCHEMA}"."cppa_user_tracker_{name}'


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
    """One person: an identity of the last `cppa-identity run`."""

    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("identity")
        verbose_name = "Identity"
        verbose_name_plural = "Identities"
        ordering = ["id"]


class TmpIdentity(models.Model):
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("tmpidentity")
        ordering = ["id"]
        verbose_name = "Temporary identity"
        verbose_name_plural = "Temporary identities"


class BaseProfile(models.Model):
    """A platform profile; `identity` is the one the last run gave it (NULL
    until a run has seen the profile)."""

    identity = models.ForeignKey(
        Identity,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="profiles",
        db_column="identity_id",
        db_constraint=False,
    )
    type = models.CharField(max_length=20, choices=ProfileType.choices, db_index=True)

    class Meta:
        managed = False
        db_table = view("baseprofile")


class TempProfileIdentityRelation(models.Model):
    base_profile = models.ForeignKey(
        BaseProfile,
        on_delete=models.DO_NOTHING,
        related_name="temp_identity_relations",
        db_column="base_profile_id",
        db_constraint=False,
    )
    target_identity = models.ForeignKey(
        TmpIdentity,
        on_delete=models.DO_NOTHING,
        related_name="temp_profile_relations",
        db_column="target_identity_id",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("tempprofileidentityrelation")
        ordering = ["id"]
        verbose_name = "Temporary profile-identity relation"
        verbose_name_plural = "Temporary profile-identity relations"


class Email(models.Model):
    base_profile = models.ForeignKey(
        BaseProfile,
        on_delete=models.DO_NOTHING,
        related_name="emails",
        db_column="base_profile_id",
        db_constraint=False,
    )
    email = models.CharField(max_length=255, db_index=True)
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("email")


class GitHubAccount(BaseProfile):
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

    class Meta:
        managed = False
        db_table = view("githubaccount")


class SlackUser(BaseProfile):
    slack_user_id = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=255, db_index=True, blank=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    avatar_url = models.URLField(max_length=512, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("slackuser")


class MailingListProfile(BaseProfile):
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("mailinglistprofile")


class WG21PaperAuthorProfile(BaseProfile):
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    author_alias = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("wg21paperauthorprofile")


class DiscordProfile(BaseProfile):
    discord_user_id = models.BigIntegerField(unique=True, db_index=True)
    username = models.CharField(max_length=255, db_index=True, blank=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    avatar_url = models.URLField(max_length=512, blank=True)
    is_bot = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("discordprofile")


class YoutubeSpeaker(BaseProfile):
    external_id = models.CharField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255, db_index=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        managed = False
        db_table = view("youtubespeaker")
