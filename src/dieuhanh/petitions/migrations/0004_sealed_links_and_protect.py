"""Petitions that contain a denunciation are confidential whatever their kind (mixed ones were
not), and every repeat link that touches a confidential petition is sealed (decision 0005).

For the records already there: mixed petitions become confidential; their search text is rebuilt
without the petitioner's name and address (the identity itself was always encrypted); every plain
`duplicate_of` link touching a confidential petition moves, encrypted, onto the confidential
petition, and the sentence naming the other petition leaves both flag notes."""

import re

from django.db import migrations, models

REPEATS, REPEATED_BY = "repeats", "repeated_by"
NOTE = re.compile(r"Trùng nội dung với đơn số \S+ \(độ giống [^)]*\)\.\s*")


def _links(crypto, p):
    return list(crypto.decrypt_json(p.sealed_links_enc).get("links", [])) if p.sealed_links_enc else []


def _add(crypto, p, other_id, relation, score):
    links = [x for x in _links(crypto, p) if x.get("petition") != other_id]
    links.append({"petition": other_id, "relation": relation, "score": score})
    p.sealed_links_enc = crypto.encrypt_json({"links": links})


def seal(apps, schema_editor):
    from dieuhanh.lib.text import fold
    from dieuhanh.petitions import crypto

    Petition = apps.get_model("petitions", "Petition")
    for p in Petition.objects.filter(kind__in=("denunciation", "mixed"), confidential=False):
        p.confidential = True
        parts = [f"{p.seq}/{p.year}", p.receipt_code, p.subject, p.content, p.respondent, p.place]
        p.search_text = fold(" ".join(x for x in parts if x))
        p.save(update_fields=["confidential", "search_text"])
    linked = Petition.objects.filter(duplicate_of__isnull=False).filter(
        models.Q(confidential=True) | models.Q(duplicate_of__confidential=True)
    )
    for pk in list(linked.order_by("pk").values_list("pk", flat=True)):
        later = Petition.objects.get(pk=pk)  # read now: an earlier turn may have sealed a link on it
        earlier = Petition.objects.get(pk=later.duplicate_of_id)
        if later.confidential:
            _add(crypto, later, earlier.pk, REPEATS, later.duplicate_score)
        if earlier.confidential:
            _add(crypto, earlier, later.pk, REPEATED_BY, later.duplicate_score)
            earlier.save(update_fields=["sealed_links_enc"])
        later.duplicate_of_id, later.duplicate_score = None, None
        later.flag_notes = NOTE.sub("", later.flag_notes).strip()
        later.save(update_fields=["sealed_links_enc", "duplicate_of", "duplicate_score", "flag_notes"])


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0003_petition_state_due_unit'),
    ]

    operations = [
        migrations.AddField(
            model_name='petition',
            name='confidential_reason',
            field=models.CharField(blank=True, editable=False, max_length=300, verbose_name='lý do bảo mật'),
        ),
        migrations.AddField(
            model_name='petition',
            name='sealed_links_enc',
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name='petition',
            name='confidential',
            field=models.BooleanField(default=False, editable=False, help_text='Bật cho đơn có nội dung tố cáo (Luật Tố cáo Điều 8, 9, 47) hoặc khi cán bộ đánh dấu bảo mật; không bao giờ tắt lại.', verbose_name='bảo mật danh tính người gửi'),
        ),
        migrations.AlterField(
            model_name='petitionstep',
            name='action',
            field=models.CharField(choices=[('receive', 'Tiếp nhận'), ('classify', 'Phân loại'), ('assign', 'Giao người xử lý'), ('accept', 'Thụ lý'), ('transfer', 'Chuyển đơn'), ('guide', 'Hướng dẫn công dân'), ('archive', 'Lưu đơn'), ('verify', 'Xác minh'), ('extend', 'Gia hạn'), ('suspend', 'Tạm đình chỉ'), ('resume', 'Tiếp tục giải quyết'), ('conclude', 'Kết luận, ra quyết định'), ('send_decision', 'Gửi quyết định, kết luận'), ('terminate', 'Đình chỉ giải quyết'), ('second_complaint', 'Khiếu nại lần hai'), ('make_task', 'Giao thành nhiệm vụ'), ('reveal', 'Xem danh tính người tố cáo'), ('protect', 'Bảo mật danh tính người gửi')], max_length=20),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop),
    ]
