"""The applicant's e-mail and their choice not to be contacted (notifications.citizens).

Both columns are added nullable and without a default in the database, so SQLite adds them in
place: rebuilding the table would drop the tally's triggers (0004). The model's defaults ("" and
False) are Python's; a row the importer writes leaves them NULL, read as "no e-mail" and
"contact allowed"."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0006_dossier_lookup_code"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(
                    model_name="dossier",
                    name="applicant_email",
                    field=models.EmailField(blank=True, max_length=254, null=True, verbose_name="thư điện tử"),
                ),
                migrations.AddField(
                    model_name="dossier",
                    name="no_contact",
                    field=models.BooleanField(blank=True, null=True, verbose_name="không nhận tin báo"),
                ),
            ],
            state_operations=[
                migrations.AddField(
                    model_name="dossier",
                    name="applicant_email",
                    field=models.EmailField(blank=True, default="", max_length=254, verbose_name="thư điện tử"),
                ),
                migrations.AddField(
                    model_name="dossier",
                    name="no_contact",
                    field=models.BooleanField(default=False, verbose_name="không nhận tin báo"),
                ),
            ],
        ),
    ]
