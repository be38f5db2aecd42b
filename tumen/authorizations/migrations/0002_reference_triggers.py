"""Renew the reference-data token when these reference tables change (tumen.org.reference)."""

from django.db import migrations


def install(apps, schema_editor):
    from tumen.org.reference import install

    install("authorizations", schema_editor.connection.alias)


def uninstall(apps, schema_editor):
    from tumen.org.reference import uninstall

    uninstall("authorizations", schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("authorizations", "0001_initial"), ("org", "0002_reference_token")]

    operations = [migrations.RunPython(install, uninstall)]
