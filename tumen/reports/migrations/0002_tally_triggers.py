"""Install the tally's triggers and fill the tally from the cases already there."""

from django.db import migrations


def install(apps, schema_editor):
    from tumen.reports.db import install_triggers, rebuild

    install_triggers(schema_editor.connection.alias)
    rebuild(schema_editor.connection.alias)


def remove(apps, schema_editor):
    from tumen.reports.db import drop_triggers

    drop_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
