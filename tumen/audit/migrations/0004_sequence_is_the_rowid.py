"""seq becomes SQLite's rowid (INTEGER PRIMARY KEY): one B-tree less written per audit append.

On SQLite the table is rebuilt, which drops its append-only triggers with the old table; they are
installed again. On PostgreSQL the column stays bigint and nothing changes.
"""

from django.db import migrations

import tumen.audit.models


def install(apps, schema_editor):
    from tumen.audit.db import install_triggers

    install_triggers(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from tumen.audit.db import drop_triggers

    drop_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.RunPython(drop, install),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=tumen.audit.models.SequenceField(
                primary_key=True, serialize=False, verbose_name="sequence"
            ),
        ),
        migrations.RunPython(install, drop),
    ]
