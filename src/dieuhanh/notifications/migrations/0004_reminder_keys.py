# The index a reminder sweep reads to know which of its keys were sent already (notify_many).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0003_citizen_messages_ratings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(condition=models.Q(("key", ""), _negated=True), fields=["key"], name="notification_key"),
        ),
    ]
