import datetime as dt

from dieuhanh.petitions import services, stats
from dieuhanh.petitions.models import Petition


def test_rates_follow_the_definitions(world):
    day = dt.date(2026, 3, 2)
    done = world.petition(received_on=day)
    services.do_accept(actor=world.reception_a, petition=done, on=dt.date(2026, 3, 3), handlers=[world.officer_a])
    services.do_conclude(actor=world.officer_a, petition=done, on=dt.date(2026, 3, 20), result="wrong", conclusion="Sai")
    pending = world.petition(received_on=day, subject="Khiếu nại về cấp giấy chứng nhận", content="Đề nghị xem xét lại việc cấp giấy chứng nhận quyền sử dụng đất cho hộ bên cạnh.")
    services.do_accept(actor=world.reception_a, petition=pending, on=dt.date(2026, 3, 4))
    moved = world.petition(received_on=day, kind="recommendation", field="infrastructure", unit=world.ward_a_old, subject="Đèn đường", content="Đề nghị sửa đèn chiếu sáng ngõ 5 đã hỏng hơn một tháng.")
    services.do_transfer(actor=world.reception_a, petition=moved, to="Công ty Điện lực", on=dt.date(2026, 3, 5))
    world.petition(received_on=day, kind="feedback", field="environment", unit=world.ward_b, actor=world.reception_b, subject="Rác thải", content="Phản ánh điểm tập kết rác tự phát gần chợ gây ô nhiễm.")

    total = stats.totals(Petition.objects.all(), today=dt.date(2026, 3, 25))
    assert (total.received, total.routed, total.accepted, total.resolved, total.transferred) == (4, 3, 2, 1, 1)
    assert total.routed_rate == 0.75 and total.resolution_rate == 0.5 and total.on_time_rate == 1.0
    assert total.overdue == 1  # the ward B feedback: routing due 16/3, still waiting on 25/3

    by_unit = {r.label: r for r in stats.table(Petition.objects.all(), by="unit", today=dt.date(2026, 3, 25))}
    assert by_unit["Phường Chu Văn An"].received == 3  # includes the Sao Đỏ petition
    assert by_unit["Phường Chí Linh"].received == 1
    then = {r.label: r.received for r in stats.table(Petition.objects.all(), by="unit_then")}
    assert then == {"Phường Chu Văn An": 2, "Phường Sao Đỏ": 1, "Phường Chí Linh": 1}
    by_field = {r.key: r.received for r in stats.table(Petition.objects.all(), by="field")}
    assert by_field == {"land": 2, "infrastructure": 1, "environment": 1}


def test_prolonged_is_counted_live(world):
    p = world.petition(received_on=dt.date(2026, 3, 2))
    services.do_accept(actor=world.reception_a, petition=p, on=dt.date(2026, 3, 3))
    qs = Petition.objects.all()
    assert stats.totals(qs, today=dt.date(2026, 4, 2)).prolonged == 0  # due Thu 2/4 (3/3 + 30)
    assert stats.totals(qs, today=dt.date(2026, 4, 3)).prolonged == 1
    assert Petition.objects.filter(pk=p.pk, is_prolonged=False).exists()  # no sweep needed
