from django.db import migrations, models


class Migration(migrations.Migration):
    """The reporting cadence of a task. Tasks assigned before it existed were never asked for
    periodic reports, so they get "none" (no unit is suddenly told its reports are missing);
    new tasks are monthly unless the office chooses otherwise (docs/decisions/0029)."""

    dependencies = [
        ("directives", "0004_task_status_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="report_cadence",
            field=models.CharField(
                choices=[("weekly", "Hằng tuần"), ("monthly", "Hằng tháng"), ("none", "Không định kỳ")],
                default="none",
                max_length=8,
                verbose_name="chế độ báo cáo định kỳ",
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="report_cadence",
            field=models.CharField(
                choices=[("weekly", "Hằng tuần"), ("monthly", "Hằng tháng"), ("none", "Không định kỳ")],
                default="monthly",
                max_length=8,
                verbose_name="chế độ báo cáo định kỳ",
            ),
        ),
    ]
