"""A secret lookup code for each dossier received here (core.lookup): the citizen looks the
dossier up by it on /tra-cuu/, since the dossier's own code is guessable. Imported dossiers keep
none (their slip and lookup are the province's).

The column is added without a default and unique through a partial index, so SQLite adds both in
place: rebuilding the table would drop the tally's triggers (0004). The default is Python's only
(`new_lookup_code`), as every callable default is."""

import secrets

from django.db import migrations, models

import dieuhanh.dossiers.models

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # core.lookup.ALPHABET, frozen here as migrations are


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    taken: set[str] = set()
    batch = []
    for d in Dossier.objects.filter(source="native", lookup_code__isnull=True).only("id").iterator(chunk_size=2000):
        code = ""
        while not code or code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        taken.add(code)
        d.lookup_code = code
        batch.append(d)
        if len(batch) == 2000:
            Dossier.objects.bulk_update(batch, ["lookup_code"])
            batch = []
    Dossier.objects.bulk_update(batch, ["lookup_code"])


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0005_import_job_refused"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="dossier",
                    name="lookup_code",
                    field=models.CharField(blank=True, editable=False, max_length=10, null=True,
                                           verbose_name="mã tra cứu"),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="dossier",
                    name="lookup_code",
                    field=models.CharField(blank=True, default=dieuhanh.dossiers.models.new_lookup_code,
                                           editable=False, max_length=10, null=True, verbose_name="mã tra cứu"),
                ),
            ],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="dossier",
            constraint=models.UniqueConstraint(condition=models.Q(("lookup_code__isnull", False)),
                                               fields=("lookup_code",), name="dossier_lookup_code"),
        ),
    ]
