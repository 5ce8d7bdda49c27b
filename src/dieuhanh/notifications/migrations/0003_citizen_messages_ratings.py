"""Messages to citizens (their log) and citizens' satisfaction ratings (notifications.citizens, ratings)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_digest_sent'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='CitizenMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_type', models.CharField(max_length=64)),
                ('case_id', models.PositiveBigIntegerField()),
                ('event', models.CharField(max_length=32, verbose_name='sự kiện')),
                ('channel', models.CharField(choices=[('email', 'Thư điện tử'), ('sms', 'Tin nhắn SMS')], max_length=8, verbose_name='kênh')),
                ('destination', models.CharField(max_length=120, verbose_name='nơi nhận (che bớt)')),
                ('subject', models.CharField(blank=True, max_length=200, verbose_name='tiêu đề')),
                ('text', models.TextField(verbose_name='nội dung')),
                ('key', models.CharField(max_length=160, unique=True)),
                ('state', models.CharField(choices=[('pending', 'Chờ gửi'), ('sent', 'Đã gửi'), ('failed', 'Gửi không được')], default='pending', max_length=8, verbose_name='tình trạng')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='số lần gửi')),
                ('error', models.CharField(blank=True, max_length=500, verbose_name='lỗi lần gửi cuối')),
                ('gateway_id', models.CharField(blank=True, max_length=120)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                ('failed_at', models.DateTimeField(blank=True, null=True, verbose_name='thất bại lúc')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='org.adminunit')),
            ],
            options={
                'verbose_name': 'tin gửi công dân',
                'verbose_name_plural': 'tin gửi công dân',
                'ordering': ('created_at', 'id'),
                'indexes': [models.Index(fields=['case_type', 'case_id'], name='citizen_message_case')],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_type', models.CharField(max_length=64)),
                ('case_id', models.PositiveBigIntegerField()),
                ('level', models.PositiveSmallIntegerField(choices=[(5, 'Rất hài lòng'), (4, 'Hài lòng'), (3, 'Bình thường'), (2, 'Không hài lòng'), (1, 'Rất không hài lòng')], verbose_name='mức độ hài lòng')),
                ('comment', models.TextField(blank=True, verbose_name='góp ý')),
                ('rated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='đánh giá lúc')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.adminunit', verbose_name='đơn vị')),
            ],
            options={
                'verbose_name': 'đánh giá mức độ hài lòng',
                'verbose_name_plural': 'đánh giá mức độ hài lòng',
                'indexes': [models.Index(fields=['case_type', 'unit', 'rated_at'], name='rating_type_unit')],
                'constraints': [models.UniqueConstraint(fields=('case_type', 'case_id'), name='rating_once_per_case')],
            },
        ),
    ]
