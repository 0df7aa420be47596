from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    # the old app's last migration: the drop-in app carries its name
    dependencies = [("cppa_user_tracker", "0008_wg21paperauthorprofile_author_alias")]

    operations = [
        migrations.CreateModel(
            name="Commit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("sha", models.CharField(max_length=40, unique=True)),
                (
                    "account",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.DO_NOTHING,
                        related_name="commits",
                        to="cppa_user_tracker.githubaccount",
                    ),
                ),
            ],
        ),
    ]
