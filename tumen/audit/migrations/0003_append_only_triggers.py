from django.db import migrations


def install(apps, schema_editor):
    from tumen.audit.db import install_triggers

    install_triggers(schema_editor.connection.alias)


def drop(apps, schema_editor):
    from tumen.audit.db import drop_triggers

    drop_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(install, drop)]
