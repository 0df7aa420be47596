"""Named like the old app's migration, so other apps' dependencies on it resolve
and a database the old app migrated is up to date: 0001_initial already creates
the final tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cppa_user_tracker", "0004_alter_slackuser_slack_user_id_and_more")]
    operations: list[migrations.operations.base.Operation] = []
