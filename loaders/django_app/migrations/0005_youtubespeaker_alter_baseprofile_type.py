"""Named like the old app's migration, so other apps' dependencies on it resolve;
nothing to do: 0001_initial already declares the final, unmanaged models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cppa_user_tracker", "0004_alter_slackuser_slack_user_id_and_more")]
    operations: list[migrations.operations.base.Operation] = []
