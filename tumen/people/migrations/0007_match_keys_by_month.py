"""The online matcher's blocking keys narrowed from a birth year to a birth month
(people.linkage.bulk.blocking_keys): every registered person's keys are written again, and the
matching profile of persons a bulk writer stored without one.

The key index is dropped while the keys are written and built once after: inserting millions of
keys into it one by one would rewrite its pages over and over.
"""

from django.db import migrations

BATCH = 20_000


def rekey(apps, schema_editor):
    from tumen.people.linkage.bulk import blocking_keys
    from tumen.people.linkage.features import PROFILE_VERSION, from_profile
    from tumen.people.matching import match_data

    Person = apps.get_model("people", "Person")
    PersonMatchKey = apps.get_model("people", "PersonMatchKey")
    (index,) = [i for i in PersonMatchKey._meta.indexes if i.name == "person_match_key"]
    PersonMatchKey.objects.all().delete()
    schema_editor.remove_index(PersonMatchKey, index)
    ops = schema_editor.connection.ops
    insert = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(  # noqa: S608 (quoted names)
        ops.quote_name(PersonMatchKey._meta.db_table),
        ops.quote_name("person_id"),
        ops.quote_name("key"),
    )
    rows, stale = [], []
    persons = Person.objects.filter(merged_into=None).order_by("pk")
    with schema_editor.connection.cursor() as cursor:
        for p in persons.iterator(chunk_size=BATCH):
            if p.match_profile.get("v") == PROFILE_VERSION:
                keys = sorted(blocking_keys(from_profile(str(p.pk), p.match_profile)))
            else:
                # Written by a bulk writer before they kept profiles: the profile too.
                p.match_profile, keys = match_data(p)
                stale.append(p)
            rows.extend((p.pk, k) for k in keys)
            if len(rows) >= BATCH:
                cursor.executemany(insert, rows)
                rows = []
            if len(stale) >= 1000:
                Person.objects.bulk_update(stale, ["match_profile"])
                stale = []
        cursor.executemany(insert, rows)
        Person.objects.bulk_update(stale, ["match_profile"])
        if schema_editor.connection.vendor == "postgresql":
            # The keys' foreign-key checks are deferred to the commit; PostgreSQL builds no index
            # on a table with checks pending, so they run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.add_index(PersonMatchKey, index)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_person_matching")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True)]
