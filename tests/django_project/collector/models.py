"""A collector-like app of the existing project: its model points at a profile
of the drop-in app by the old label, as the real collectors' models do."""

from django.db import models


class Commit(models.Model):
    sha = models.CharField(max_length=40, unique=True)
    # a view cannot be the target of a foreign-key constraint: db_constraint=False
    account = models.ForeignKey(
        "cppa_user_tracker.GitHubAccount",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="commits",
    )
