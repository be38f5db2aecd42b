"""A bulk writer may pause the tally's insert triggers inside its own transaction and tally its
batch set-based (tumen.reports.db.batch_tally): the pause table, and the triggers reinstalled
with the condition that skips them while paused. The figures' definitions do not change."""

from django.db import migrations, models


def reinstall(apps, schema_editor):
    from tumen.reports.db import install_triggers

    install_triggers(schema_editor.connection.alias)


def unpausable(apps, schema_editor):
    from tumen.reports.db import install_triggers

    install_triggers(schema_editor.connection.alias, pausable=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_report_links_flags_and_freezes_links"),
    ]

    operations = [
        migrations.CreateModel(
            name="TallyPause",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
            ],
            options={
                "db_table": "reports_tallypause",
            },
        ),
        migrations.RunPython(reinstall, unpausable),
    ]
