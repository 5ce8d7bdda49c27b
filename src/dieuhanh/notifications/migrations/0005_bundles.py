# A summary of many reminders of one rule to one person (decision 0028, bundling): the reminders
# point to it and are shown only through it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0004_reminder_keys'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='bundle',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='items', to='notifications.notification'),
        ),
        migrations.AddField(
            model_name='notification',
            name='bundled',
            field=models.PositiveIntegerField(default=0, verbose_name='số thông báo gộp'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('bundle__isnull', True)), fields=['recipient', 'read_at'], name='notification_shown'),
        ),
    ]
