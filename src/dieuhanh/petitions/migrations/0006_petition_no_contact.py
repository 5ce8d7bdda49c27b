"""A petitioner may ask not to be contacted by e-mail or text message (notifications.citizens)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0005_law_limits_and_notice'),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='no_contact',
            field=models.BooleanField(default=False, verbose_name='không nhận tin báo'),
        ),
    ]
