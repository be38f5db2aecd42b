"""The reference-data token and the triggers that renew it (tumen.org.reference)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from tumen.org.reference import install

    install("org", schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    from tumen.org.reference import uninstall

    uninstall("org", schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ReferenceToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
            ],
            options={"db_table": "org_reference"},
        ),
        migrations.RunPython(install, uninstall),
    ]
