"""The online matcher's blocking keys narrowed from a birth year to a birth month
(people.linkage.bulk.blocking_keys): every registered person's keys are written again.

The key index is dropped while the keys are written and built once after: inserting millions of
keys into it one by one would rewrite its pages over and over.
"""

from django.db import migrations

BATCH = 20_000


def rekey(apps, schema_editor):
    from tumen.people.linkage.bulk import blocking_keys
    from tumen.people.linkage.features import PROFILE_VERSION, features, from_profile

    Person = apps.get_model("people", "Person")
    PersonMatchKey = apps.get_model("people", "PersonMatchKey")
    (index,) = [i for i in PersonMatchKey._meta.indexes if i.name == "person_match_key"]
    PersonMatchKey.objects.all().delete()
    schema_editor.remove_index(PersonMatchKey, index)
    ops = schema_editor.connection.ops
    insert = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(
        ops.quote_name(PersonMatchKey._meta.db_table),
        ops.quote_name("person_id"),
        ops.quote_name("key"),
    )
    sex = {"male": "M", "female": "F"}
    rows = []
    persons = Person.objects.filter(merged_into=None).order_by("pk")
    with schema_editor.connection.cursor() as cursor:
        for p in persons.iterator(chunk_size=BATCH):
            if p.match_profile.get("v") == PROFILE_VERSION:
                f = from_profile(str(p.pk), p.match_profile)
            else:
                f = features(
                    record_id=str(p.pk),
                    names=(p.name_hangul, p.name_hanzi, p.name_latin),
                    birth_date=p.date_of_birth,
                    sex=sex.get(p.sex, ""),
                    id_number=p.personal_id_number,
                    nationality=p.nationality,
                )
            rows.extend((p.pk, k) for k in sorted(blocking_keys(f)))
            if len(rows) >= BATCH:
                cursor.executemany(insert, rows)
                rows = []
        cursor.executemany(insert, rows)
        if schema_editor.connection.vendor == "postgresql":
            # The keys' foreign-key checks are deferred to the commit; PostgreSQL builds no index
            # on a table with checks pending, so they run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.add_index(PersonMatchKey, index)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_person_matching")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True)]
