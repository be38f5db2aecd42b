"""Reinstall the tally's triggers, now also on travel authorizations and crossings, and recount
the tally: authorization rows added, steps ended by automatic moves no longer counted."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from tumen.reports.db import install_triggers, rebuild

    install_triggers(schema_editor.connection.alias)
    rebuild(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_pdf"),
        ("authorizations", "0001_initial"),
    ]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
