"""Admin pages for the drop-in's models, as the old app registered them. Edits
made here are ORM writes like any other: the log records them."""

from __future__ import annotations

from django.contrib import admin

from . import models as m


@admin.register(m.Identity, m.TmpIdentity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("id", "display_name", "created_at", "updated_at")
    search_fields = ("display_name",)
    list_filter = ("created_at",)


@admin.register(m.BaseProfile)
class BaseProfileAdmin(admin.ModelAdmin):
    list_display = ("id", "identity", "type", "identity_id")
    list_filter = ("type",)
    raw_id_fields = ("identity",)


@admin.register(m.TempProfileIdentityRelation)
class TempProfileIdentityRelationAdmin(admin.ModelAdmin):
    list_display = ("id", "base_profile", "target_identity", "created_at", "updated_at")
    list_filter = ("created_at",)
    raw_id_fields = ("base_profile", "target_identity")


@admin.register(m.Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ("id", "base_profile", "email", "is_primary", "is_active", "created_at")
    list_filter = ("is_primary", "is_active")
    search_fields = ("email",)
    raw_id_fields = ("base_profile",)


class ProfileAdmin(admin.ModelAdmin):
    """A platform's profiles: its key, names and identity."""

    search_fields: tuple[str, ...] = ("display_name",)
    raw_id_fields = ("identity",)


@admin.register(m.GitHubAccount)
class GitHubAccountAdmin(ProfileAdmin):
    list_display = (
        "id",
        "identity",
        "github_account_id",
        "username",
        "display_name",
        "type",
        "updated_at",
    )
    list_filter = ("type",)
    search_fields = ("username", "display_name")


@admin.register(m.SlackUser)
class SlackUserAdmin(ProfileAdmin):
    list_display = ("id", "identity", "slack_user_id", "username", "display_name", "updated_at")
    search_fields = ("slack_user_id", "username", "display_name")


@admin.register(m.DiscordProfile)
class DiscordProfileAdmin(ProfileAdmin):
    list_display = ("id", "identity", "discord_user_id", "username", "display_name", "is_bot")
    search_fields = ("username", "display_name")


@admin.register(m.MailingListProfile, m.WG21PaperAuthorProfile)
class NamedProfileAdmin(ProfileAdmin):
    list_display = ("id", "identity", "display_name", "updated_at")


@admin.register(m.YoutubeSpeaker)
class YoutubeSpeakerAdmin(ProfileAdmin):
    list_display = ("id", "identity", "external_id", "display_name", "updated_at")
    search_fields = ("external_id", "display_name")
