"""A collector-like app of the existing project: its models point at profiles
of the drop-in app by the old label, with real foreign keys, as the real
collectors' models do."""

from django.db import models


class Commit(models.Model):
    sha = models.CharField(max_length=40, unique=True)
    account = models.ForeignKey(
        "cppa_user_tracker.GitHubAccount", on_delete=models.CASCADE, related_name="commits"
    )
    assignees = models.ManyToManyField(
        "cppa_user_tracker.GitHubAccount", related_name="assigned_commits", blank=True
    )
