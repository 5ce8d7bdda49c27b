"""The one-stop pages, driven through Django's test client with the personas of `dieuhanh.testing`:
who may open which page (a ward's one-stop officer gets a 404 for another ward's dossier), what
each action on a dossier changes and the Vietnamese message a refused one shows, the register's
filters and diacritic-insensitive search, the receipt and appointment slip, and the procedures
catalogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core import calendar
from dieuhanh.dossiers import services
from dieuhanh.dossiers.choices import EventKind, ReturnMethod, Status
from dieuhanh.dossiers.models import Dossier, DossierEvent, Procedure
from dieuhanh.testing import amend_rule, bearer, login, post_json

pytestmark = pytest.mark.django_db


def detail(d):
    return reverse("dossier_detail", kwargs={"code": d.code})


def act(d, slug):
    return reverse(f"dossier_{slug}", kwargs={"code": d.code})


def text(response):
    return response.content.decode()


@pytest.fixture
def dossier_a(world):
    return world.dossier(applicant_name="Nguyễn Thị Hồ Sơ", applicant_address="Tổ dân phố 3, phường Chu Văn An",
                         note="Tờ khai đăng ký khai sinh; Giấy chứng sinh (bản chính)")


@pytest.fixture
def dossier_b(world):
    return world.dossier(actor=world.onestop_b, unit=world.ward_b, applicant_name="Trần Văn Bê")


def snapshot(d):
    d.refresh_from_db()
    return (d.status, d.due_on, d.new_due_on, d.supplement_requested_on, d.result_on, d.returned_on,
            d.steps.count(), d.events.count())


# --- who may open what -------------------------------------------------------------------------------------


def test_it_opens_every_page_for_the_one_stop_officer(client, world, dossier_a):
    login(client, world.onestop_a)
    for url in (reverse("dossier_list"), reverse("dossier_create"), detail(dossier_a),
                reverse("dossier_slip", kwargs={"code": dossier_a.code}), reverse("procedure_list"),
                reverse("dossier_import")):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(reverse("dossier_export")).status_code == 200


def test_it_refuses_an_account_without_a_role(client, world, dossier_a):
    login(client, world.outsider)
    for name in ("dossier_list", "dossier_export", "dossier_create", "procedure_list", "dossier_import"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(detail(dossier_a)).status_code == 404
    assert client.post(act(dossier_a, "co-ket-qua")).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, dossier_a):
    response = client.get(detail(dossier_a))
    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_ward_b_officer_gets_404_for_ward_a_dossier(client, world, dossier_a, dossier_b):
    before = snapshot(dossier_a)
    login(client, world.onestop_b)
    assert client.get(detail(dossier_a)).status_code == 404
    assert client.get(reverse("dossier_slip", kwargs={"code": dossier_a.code})).status_code == 404
    assert client.post(act(dossier_a, "co-ket-qua")).status_code == 404
    assert snapshot(dossier_a) == before
    listed = text(client.get(reverse("dossier_list")))
    assert dossier_b.code in listed and dossier_a.code not in listed


def test_a_unit_officer_sees_the_dossier_but_may_not_act(client, world, dossier_a):
    login(client, world.officer_a)
    page = text(client.get(detail(dossier_a)))
    assert "Bạn được xem hồ sơ này" in page
    assert 'id="panel-co-ket-qua"' not in page
    before = snapshot(dossier_a)
    assert client.post(act(dossier_a, "co-ket-qua")).status_code == 403
    assert snapshot(dossier_a) == before
    assert client.get(reverse("dossier_create")).status_code == 403


def test_the_city_office_and_leader_see_both_wards(client, world, dossier_a, dossier_b):
    for user in (world.office, world.leader):
        login(client, user)
        listed = text(client.get(reverse("dossier_list")))
        assert dossier_a.code in listed and dossier_b.code in listed


def test_the_module_pages_are_not_read_as_dossier_codes(client, world):
    from django.urls import resolve

    for url in ("/ho-so/nhap/", "/ho-so/nhap/1/", "/ho-so/nhap/1/loi/", "/ho-so/thong-ke/", "/ho-so/tre-han/",
                "/ho-so/chi-so-766/", "/ho-so/thu-tuc/", "/ho-so/thu-tuc/1.001193/sua/", "/ho-so/xuat/"):
        assert resolve(url).url_name != "dossier_detail", url
    assert resolve("/ho-so/abc-def/").url_name == "dossier_detail"
    assert resolve("/ho-so/H23.45-250315-0012/phieu/").url_name == "dossier_slip"


def test_unknown_action_and_get_on_an_action_are_refused(client, world, dossier_a):
    login(client, world.onestop_a)
    assert client.get(act(dossier_a, "co-ket-qua")).status_code == 405
    assert client.post(f"/ho-so/{dossier_a.code}/khong-co/").status_code == 404


# --- receiving ----------------------------------------------------------------------------------------------------


def receive_data(world, **overrides):
    now = timezone.localtime() - dt.timedelta(minutes=1)
    data = {
        "procedure": world.procedure().pk,
        "unit": world.ward_a.pk,
        "channel": "desk",
        "applicant_name": "Phạm Thị Nộp",
        "applicant_phone": "0912000111",
        "applicant_address": "Khu dân cư Tân Tiến",
        "received_on": f"{now:%d/%m/%Y}",
        "received_time": f"{now:%H:%M}",
        "note": "Tờ khai; Giấy chứng sinh",
    }
    data.update(overrides)
    return data


def test_receiving_a_dossier_fixes_its_appointment_and_opens_its_page(client, world):
    world.procedure()
    login(client, world.onestop_a)
    form = text(client.get(reverse("dossier_create")))
    assert "Phường Chu Văn An" in form and "1.001193 — Đăng ký khai sinh" in form
    response = client.post(reverse("dossier_create"), receive_data(world))
    d = Dossier.objects.get(applicant_name="Phạm Thị Nộp")
    assert response.status_code == 302 and response["Location"] == detail(d)
    assert d.unit == world.ward_a and d.status == Status.RECEIVED
    assert d.due_on == calendar.add(d.received_on, 5, working=True)
    assert d.events.get(kind=EventKind.RECEIVE).note == "Tờ khai; Giấy chứng sinh"
    page = text(client.get(response["Location"]))
    assert f"Đã tiếp nhận hồ sơ {d.code}" in page
    assert "Mới tiếp nhận" in page


def test_an_online_dossier_received_in_tet_counts_from_the_first_working_day_after_it(client, world):
    """Decree 45/2020: sent online on Saturday 14/2/2026, the first day of the Tết holiday
    (14–22/2), it counts from Monday 23/2; three working days: 24, 25, 26/2. The page's receipt
    and the slip say so."""
    proc = world.procedure(code="1.004873", name="Cấp Giấy xác nhận tình trạng hôn nhân", processing_days=3)
    login(client, world.onestop_a)
    response = client.post(reverse("dossier_create"), receive_data(
        world, procedure=proc.pk, channel="online", received_on="14/02/2026", received_time="10:00"))
    d = Dossier.objects.get(applicant_name="Phạm Thị Nộp")
    assert response.status_code == 302
    assert (d.received_on, d.due_on) == (dt.date(2026, 2, 14), dt.date(2026, 2, 26))
    page = text(client.get(response["Location"]))
    assert "hẹn trả kết quả ngày 26/02/2026" in page
    assert "<dd data-counts-from>23/02/2026" in page
    slip = text(client.get(reverse("dossier_slip", kwargs={"code": d.code})))
    assert "thời hạn giải quyết tính từ <span data-slip-counts-from>ngày 23/02/2026</span>" in slip
    assert "ngày 26/02/2026" in slip


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"applicant_name": ""}, "Tên người nộp hồ sơ không được để trống."),
        ({"procedure": ""}, "Chọn thủ tục hành chính của hồ sơ."),
        ({"received_on": "31/02/2026"}, "Ngày tiếp nhận: nhập ngày theo dạng ngày/tháng/năm"),
        ({"received_time": "25h99"}, "Giờ tiếp nhận: nhập giờ:phút"),
    ],
)
def test_receiving_shows_what_is_wrong_and_saves_nothing(client, world, overrides, message):
    login(client, world.onestop_a)
    response = client.post(reverse("dossier_create"), receive_data(world, **overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not Dossier.objects.exists()


def test_online_receipt_of_a_procedure_without_online_service_is_refused(client, world):
    proc = world.procedure(code="1.000893", name="Chứng thực bản sao từ bản chính", field="Chứng thực",
                           online_type="none")
    login(client, world.onestop_a)
    response = client.post(reverse("dossier_create"), receive_data(world, procedure=proc.pk, channel="online"))
    assert "Thủ tục 1.000893 không cung cấp dịch vụ công trực tuyến." in text(response)
    assert not Dossier.objects.exists()


def test_ward_a_officer_cannot_receive_for_ward_b(client, world):
    login(client, world.onestop_a)
    response = client.post(reverse("dossier_create"), receive_data(world, unit=world.ward_b.pk))
    assert response.status_code == 200
    assert "Bạn không được tiếp nhận hồ sơ tại đơn vị này." in text(response)
    assert not Dossier.objects.exists()


def test_procedure_search_narrows_the_picker_without_diacritics(client, world):
    world.procedure()
    world.procedure(code="1.004227", name="Đăng ký kết hôn", field="Hộ tịch")
    world.procedure(code="2.000488", name="Cấp giấy phép xây dựng", field="Xây dựng")
    login(client, world.onestop_a)
    options = text(client.get(reverse("procedure_options"), {"procedure_q": "dang ky ket hon"}))
    assert "Đăng ký kết hôn" in options and "selected" in options
    assert "khai sinh" not in options and "xây dựng" not in options
    options = text(client.get(reverse("procedure_options"), {"procedure_q": "ho tich"}))
    assert "Đăng ký kết hôn" in options and "Đăng ký khai sinh" in options
    login(client, world.officer_a)
    assert client.get(reverse("procedure_options"), {"procedure_q": "x"}).status_code == 403


# --- a dossier's actions --------------------------------------------------------------------------------------


def test_forward_to_the_province_opens_an_interlevel_step(client, world, dossier_a):
    login(client, world.onestop_a)
    page = text(client.get(detail(dossier_a)))
    assert "Sở Nông nghiệp và Môi trường" in page  # a province body is offered
    assert "UBND phường Chí Linh" not in page  # another ward's body is not
    response = client.post(act(dossier_a, "chuyen"), {
        "chuyen-body": world.province_department.pk, "chuyen-days": "3", "chuyen-task": "Thẩm định hồ sơ đất đai",
    })
    assert response.status_code == 302
    dossier_a.refresh_from_db()
    step = dossier_a.steps.get()
    assert step.interlevel and step.body == world.province_department and step.days == 3
    assert dossier_a.status == Status.PROCESSING
    page = text(client.get(detail(dossier_a)))
    assert "Liên thông" in page and "Thẩm định hồ sơ đất đai" in page
    assert "Đã chuyển hồ sơ đến Sở Nông nghiệp và Môi trường." in page
    # The province's one-stop officer now sees it and may close its step.
    login(client, world.onestop_province)
    assert client.get(detail(dossier_a)).status_code == 200
    assert client.post(act(dossier_a, "xong-buoc"), {"xong-buoc-note": "Đã thẩm định"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.steps.get().finished_at is not None
    assert dossier_a.current_body.startswith("Bộ phận Một cửa")


def test_a_late_transfer_is_marked_on_the_steps_table(client, world):
    received = timezone.localtime() - dt.timedelta(days=10)
    d = world.dossier(received_at=received)
    login(client, world.onestop_a)
    client.post(act(d, "chuyen"), {"chuyen-body": world.province_department.pk})
    page = text(client.get(detail(d)))
    assert "chuyển chậm" in page


def test_the_steps_note_states_the_cut_off_hour_of_the_rule_table(client, world, dossier_a):
    login(client, world.onestop_a)
    client.post(act(dossier_a, "chuyen"), {"chuyen-body": world.province_department.pk})
    page = text(client.get(detail(dossier_a)))
    assert "Hồ sơ đến cơ quan sau 15 giờ" in page and "Nghị định 118/2025/NĐ-CP" in page
    amend_rule("dossier.cutoff_hour", 14, dossier_a.received_on - dt.timedelta(days=1), citation="Nghị định 9/2026/NĐ-CP")
    page = text(client.get(detail(dossier_a)))
    assert "Hồ sơ đến cơ quan sau 14 giờ" in page and "Nghị định 9/2026/NĐ-CP" in page


def test_forward_without_a_body_names_the_field(client, world, dossier_a):
    login(client, world.onestop_a)
    before = snapshot(dossier_a)
    response = client.post(act(dossier_a, "chuyen"), {"chuyen-days": "abc"})
    assert response.status_code == 200
    page = text(response)
    assert "Chọn cơ quan nhận hồ sơ." in page
    assert "Số ngày làm việc giao cho cơ quan phải là số nguyên." in page
    assert 'id="panel-chuyen" open' in page
    assert snapshot(dossier_a) == before


def test_supplement_requested_once_then_received(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.post(act(dossier_a, "yeu-cau-bo-sung"), {"yeu-cau-bo-sung-note": "   "})
    assert "Ghi rõ các giấy tờ, nội dung cần bổ sung." in text(response)
    assert snapshot(dossier_a)[0] == Status.RECEIVED
    assert client.post(act(dossier_a, "yeu-cau-bo-sung"),
                       {"yeu-cau-bo-sung-note": "Thiếu bản sao CCCD của người cha"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.SUPPLEMENT
    assert dossier_a.supplement_note == "Thiếu bản sao CCCD của người cha"
    assert client.post(act(dossier_a, "da-bo-sung"), {}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.RECEIVED and dossier_a.supplemented_on == timezone.localdate()
    # Completion is requested once only: the form is gone and a second request is refused.
    page = text(client.get(detail(dossier_a)))
    assert 'id="panel-yeu-cau-bo-sung"' not in page
    before = snapshot(dossier_a)
    response = client.post(act(dossier_a, "yeu-cau-bo-sung"), {"yeu-cau-bo-sung-note": "Thiếu thêm"})
    assert response.status_code == 409
    assert "chỉ được yêu cầu một lần" in text(response)
    assert snapshot(dossier_a) == before


def test_apology_with_a_new_date_once(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.post(act(dossier_a, "xin-loi"), {
        "xin-loi-reason": "", "xin-loi-new_due_on": f"{dossier_a.due_on:%d/%m/%Y}",
    })
    page = text(response)
    assert "Ghi rõ lý do chậm giải quyết." in page
    assert f"Ngày hẹn lại phải sau ngày hẹn trả {dossier_a.due_on:%d/%m/%Y}." in page
    assert snapshot(dossier_a)[2] is None
    new_due = calendar.next_working_day(dossier_a.due_on)
    assert client.post(act(dossier_a, "xin-loi"), {
        "xin-loi-reason": "Chờ xác minh tại nơi cư trú", "xin-loi-new_due_on": f"{new_due:%d/%m/%Y}",
    }).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.new_due_on == new_due and dossier_a.apology_on == timezone.localdate()
    page = text(client.get(detail(dossier_a)))
    assert f"hẹn lại <strong>{new_due:%d/%m/%Y}</strong>" in page
    assert 'id="panel-xin-loi"' not in page
    assert client.post(act(dossier_a, "xin-loi"), {
        "xin-loi-reason": "Lần hai", "xin-loi-new_due_on": f"{calendar.next_working_day(new_due):%d/%m/%Y}",
    }).status_code == 409


def test_apology_on_the_due_date_is_refused_on_the_page_and_the_api(client, world, dossier_a):
    """The apology comes at the latest one working day before the due date (Decree 61/2018 as
    amended by Decree 107/2021): on the due date the panel is gone, and a post of the form, or
    the API's, is a conflict whose Vietnamese message names the last day."""
    from dieuhanh.dossiers.cases import apology_deadline

    today = timezone.localdate()
    Dossier.objects.filter(pk=dossier_a.pk).update(due_on=today)
    dossier_a.refresh_from_db()
    last, _ = apology_deadline(dossier_a)
    login(client, world.onestop_a)
    page = text(client.get(detail(dossier_a)))
    assert 'id="panel-xin-loi"' not in page and "data-apology-by" not in page  # its last day has passed
    new_due = calendar.add(today, 3, working=True)
    response = client.post(act(dossier_a, "xin-loi"), {
        "xin-loi-reason": "Chờ xác minh", "xin-loi-new_due_on": f"{new_due:%d/%m/%Y}",
    })
    assert response.status_code == 409
    assert f"chậm nhất ngày {last:%d/%m/%Y}" in text(response)
    response = post_json(bearer(world.onestop_a), f"/api/v1/dossiers/{dossier_a.code}/apology",
                         {"reason": "Chờ xác minh", "new_due_on": new_due.isoformat()})
    assert response.status_code == 409
    assert f"chậm nhất ngày {last:%d/%m/%Y}" in response.json()["errors"]["status"][0]
    dossier_a.refresh_from_db()
    assert dossier_a.apology_on is None


def test_apology_date_typed_wrong_is_a_field_error(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.post(act(dossier_a, "xin-loi"), {"xin-loi-reason": "Chờ", "xin-loi-new_due_on": "hôm qua"})
    assert "Ngày hẹn lại: nhập ngày theo dạng ngày/tháng/năm" in text(response)


def test_result_then_return_at_the_desk(client, world, dossier_a):
    login(client, world.onestop_a)
    assert client.post(act(dossier_a, "co-ket-qua"), {"co-ket-qua-note": "Giấy khai sinh số 12"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.DONE and dossier_a.timeliness == "early"
    page = text(client.get(detail(dossier_a)))
    assert "Trước hạn" in page and 'id="panel-tra-ket-qua"' in page
    assert client.post(act(dossier_a, "tra-ket-qua"), {"tra-ket-qua-method": "desk"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.RETURNED and dossier_a.return_method == ReturnMethod.DESK
    page = text(client.get(detail(dossier_a)))
    assert "Đã trả kết quả" in page and "Hồ sơ đã kết thúc" in page
    kinds = list(dossier_a.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [EventKind.RECEIVE, EventKind.RESULT, EventKind.RETURN]


def test_return_by_post_when_the_procedure_does_not_allow_it(client, world):
    proc = world.procedure(code="1.000656", name="Cấp bản sao trích lục hộ tịch", postal_return=False)
    d = world.dossier(procedure=proc)
    services.do_record_result(actor=world.onestop_a, dossier=d)
    login(client, world.onestop_a)
    before = snapshot(d)
    response = client.post(act(d, "tra-ket-qua"), {"tra-ket-qua-method": "post"})
    assert "Thủ tục 1.000656 không trả kết quả qua bưu chính." in text(response)
    assert snapshot(d) == before


def test_refuse_needs_a_reason(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.post(act(dossier_a, "tu-choi"), {"tu-choi-reason": ""})
    assert "Ghi rõ lý do từ chối giải quyết." in text(response)
    assert client.post(act(dossier_a, "tu-choi"), {"tu-choi-reason": "Không thuộc thẩm quyền"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.REFUSED


def test_withdraw(client, world, dossier_a):
    login(client, world.onestop_a)
    assert client.post(act(dossier_a, "rut"), {"rut-note": "Đơn xin rút ngày hôm nay"}).status_code == 302
    dossier_a.refresh_from_db()
    assert dossier_a.status == Status.WITHDRAWN
    assert DossierEvent.objects.filter(dossier=dossier_a, kind=EventKind.WITHDRAW).exists()


def test_a_dossier_code_with_slashes_and_spaces_has_its_pages(client, world):
    d = world.dossier(code="000.00.12.H23/2026 0001")
    login(client, world.onestop_a)
    url = detail(d)
    assert client.get(url).status_code == 200
    assert client.get(reverse("dossier_slip", kwargs={"code": d.code})).status_code == 200
    slip = client.get(reverse("paper_download", args=["giay-tiep-nhan-ho-so", d.code, "docx"]))
    assert slip.status_code == 200 and slip.content[:2] == b"PK"
    assert bearer(world.onestop_a).get(f"/api/v1/papers/giay-tiep-nhan-ho-so/{d.code}").status_code == 200
    assert client.post(act(d, "co-ket-qua"), {}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.DONE


# --- register: filters, search, summary ----------------------------------------------------------------


def test_search_without_diacritics_finds_the_applicant(client, world, dossier_a):
    other = world.dossier(applicant_name="Lê Văn Khác")
    login(client, world.onestop_a)
    listed = text(client.get(reverse("dossier_list"), {"q": "nguyen thi"}))
    assert dossier_a.code in listed and other.code not in listed
    listed = text(client.get(reverse("dossier_list"), {"q": "NGUYỄN thị"}))
    assert dossier_a.code in listed
    assert other.code in text(client.get(reverse("dossier_list"), {"q": other.code.lower()}))


def test_register_filters_late_now_and_status(client, world, dossier_a):
    late = world.dossier(received_at=timezone.localtime() - dt.timedelta(days=30), applicant_name="Quá Hạn")
    done = world.dossier(applicant_name="Xong Rồi")
    services.do_record_result(actor=world.onestop_a, dossier=done)
    login(client, world.onestop_a)
    listed = text(client.get(reverse("dossier_list"), {"status": "late_now"}))
    assert late.code in listed and dossier_a.code not in listed and done.code not in listed
    assert "Đang quá hạn" in listed
    listed = text(client.get(reverse("dossier_list"), {"status": "open"}))
    assert late.code in listed and dossier_a.code in listed and done.code not in listed
    listed = text(client.get(reverse("dossier_list"), {"timeliness": "early"}))
    assert done.code in listed and late.code not in listed
    page = text(client.get(reverse("dossier_list")))
    assert '<span class="stat__count">1</span>\n    <span class="stat__label">Hồ sơ đang quá hạn' in page


def test_register_filters_by_unit_procedure_channel_and_dates(client, world, dossier_a, dossier_b):
    proc = world.procedure(code="1.004227", name="Đăng ký kết hôn")
    online = world.dossier(procedure=proc, channel="online", applicant_name="Trực Tuyến")
    login(client, world.office)
    listed = text(client.get(reverse("dossier_list"), {"unit": world.ward_b.pk}))
    assert dossier_b.code in listed and dossier_a.code not in listed
    listed = text(client.get(reverse("dossier_list"), {"procedure": "1.004227"}))
    assert online.code in listed and dossier_a.code not in listed
    listed = text(client.get(reverse("dossier_list"), {"channel": "online"}))
    assert online.code in listed and dossier_a.code not in listed
    today = timezone.localdate()
    listed = text(client.get(reverse("dossier_list"), {"date_from": f"{today + dt.timedelta(days=1):%d/%m/%Y}"}))
    assert "Không có hồ sơ nào khớp với bộ lọc." in listed
    listed = text(client.get(reverse("dossier_list"), {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    assert dossier_a.code in listed and dossier_b.code in listed


def test_a_filter_that_does_not_parse_is_reported_not_a_500(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.get(reverse("dossier_list"), {"status": "bogus", "date_from": "32/13/2026", "unit": "x"})
    assert response.status_code == 200
    page = text(response)
    assert "Bộ lọc không hợp lệ, đã bỏ qua" in page and "Trạng thái" in page
    assert dossier_a.code in page
    assert client.get(reverse("dossier_export"), {"status": "bogus"}).status_code == 200


def test_the_results_fragment_for_htmx(client, world, dossier_a):
    login(client, world.onestop_a)
    response = client.get(reverse("dossier_list"), {"q": "nguyen"}, HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="dossier-results")
    page = text(response)
    # the rows and what acts on them (the page's slips in one batch), not the filter bar or the page
    assert dossier_a.code in page and 'class="filters' not in page and "<html" not in page


# --- receipt and appointment slip ------------------------------------------------------------------------------


def test_the_slip_carries_what_the_applicant_needs(client, world, dossier_a):
    login(client, world.onestop_a)
    page = text(client.get(reverse("dossier_slip", kwargs={"code": dossier_a.code})))
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page
    assert "Phường Chu Văn An" in page
    assert dossier_a.code in page
    assert "Nguyễn Thị Hồ Sơ" in page and "Tổ dân phố 3, phường Chu Văn An" in page
    assert "Đăng ký khai sinh" in page and "1.001193" in page
    assert "Tờ khai đăng ký khai sinh; Giấy chứng sinh (bản chính)" in page
    received = timezone.localtime(dossier_a.received_at)
    assert f"{received:%H} giờ {received:%M} phút, ngày {received:%d/%m/%Y}" in page
    assert f"ngày {dossier_a.due_on:%d/%m/%Y}" in page
    assert "motcua_a" in page  # the officer who received it (no person record: the username)
    assert "data-slip-counts-from" not in page  # received at the desk: it counts from that day
    facts = text(client.get(detail(dossier_a)))
    last = calendar.add(dossier_a.received_on, 4, working=True)  # five working days: the fourth is the last
    assert f"<dd data-apology-by>chậm nhất ngày {last:%d/%m/%Y}" in facts
    assert "data-counts-from" not in facts
    body = bearer(world.onestop_a).get(f"/api/v1/dossiers/{dossier_a.code}").json()
    assert (body["deadlines"]["apology_by"], body["deadlines"]["counts_from"]) == (
        last.isoformat(), dossier_a.received_on.isoformat())
    assert "size: A4 portrait" in page and "/static/dieuhanh/slip.js" in page  # its print button (no inline script)
    slip_js = Path(__file__).resolve().parents[2] / "static" / "dieuhanh" / "slip.js"
    assert "window.print()" in slip_js.read_text(encoding="utf-8")


def test_the_slip_shows_the_new_date_after_an_apology(client, world, dossier_a):
    new_due = calendar.next_working_day(dossier_a.due_on)
    services.do_apologise(actor=world.onestop_a, dossier=dossier_a, reason="Chờ xác minh", new_due_on=new_due)
    login(client, world.onestop_a)
    page = text(client.get(reverse("dossier_slip", kwargs={"code": dossier_a.code})))
    assert f"hẹn lại: <strong>ngày {new_due:%d/%m/%Y}</strong>" in page


# --- procedures catalogue ---------------------------------------------------------------------------------------


def test_catalogue_search_and_filters(client, world):
    world.procedure()
    world.procedure(code="2.000488", name="Cấp giấy phép xây dựng", field="Xây dựng", level="province")
    login(client, world.onestop_a)
    page = text(client.get(reverse("procedure_list"), {"q": "giay phep xay"}))
    assert "Cấp giấy phép xây dựng" in page and "Đăng ký khai sinh" not in page
    page = text(client.get(reverse("procedure_list"), {"level": "commune"}))
    assert "Đăng ký khai sinh" in page and "Cấp giấy phép xây dựng" not in page
    page = text(client.get(reverse("procedure_list"), {"field": "Xây dựng"}))
    assert "Cấp giấy phép xây dựng" in page and "Đăng ký khai sinh" not in page
    assert "Thêm thủ tục" not in page
    assert client.get(reverse("procedure_create")).status_code == 403
    assert client.get(reverse("procedure_edit", kwargs={"code": "1.001193"})).status_code == 403


def test_admin_adds_and_edits_a_procedure(client, world):
    login(client, world.admin)
    response = client.post(reverse("procedure_create"), {
        "code": "1.001022", "name": "Đăng ký thường trú", "field": "Cư trú", "level": "commune",
        "processing_days": "7", "online_type": "full", "fee_vnd": "20000", "postal_return": "on", "active": "on",
    })
    assert response.status_code == 302
    proc = Procedure.objects.get(code="1.001022")
    assert proc.processing_days == 7 and proc.fee_vnd == 20000 and proc.postal_return
    response = client.post(reverse("procedure_edit", kwargs={"code": proc.code}), {
        "code": "SHOULD-NOT-CHANGE", "name": "Đăng ký thường trú", "field": "Cư trú", "level": "commune",
        "processing_days": "5", "online_type": "partial", "active": "on",
    })
    assert response.status_code == 302
    proc.refresh_from_db()
    assert proc.code == "1.001022" and proc.processing_days == 5 and not proc.postal_return
    assert not Procedure.objects.filter(code="SHOULD-NOT-CHANGE").exists()


def test_procedure_form_names_what_is_missing(client, world):
    login(client, world.admin)
    response = client.post(reverse("procedure_create"), {"code": "", "name": "", "processing_days": "-2"})
    page = text(response)
    assert response.status_code == 200
    assert "Thời hạn giải quyết không được âm." in page
    response = client.post(reverse("procedure_create"), {"code": "9.9", "processing_days": "3"})
    page = text(response)
    assert "Tên thủ tục không được để trống." in page
    assert "Cấp thực hiện phải là cấp tỉnh hoặc cấp xã." in page
    assert not Procedure.objects.exists()


# --- navigation and dashboard ----------------------------------------------------------------------------------


def test_nav_link_and_dashboard_panel(client, world, dossier_a):
    late = world.dossier(received_at=timezone.localtime() - dt.timedelta(days=30))
    done = world.dossier()
    services.do_record_result(actor=world.onestop_a, dossier=done)
    login(client, world.onestop_a)
    home = text(client.get(reverse("home")))
    assert 'href="/ho-so/"' in home and "Một cửa" in home
    assert 'id="mot-cua"' in home
    assert 'href="/ho-so/?status=late_now"' in home
    panel = home[home.index('id="mot-cua"'):]
    assert "100%" in panel  # the one dossier with a result was early
    assert late.code  # counted among the late now
    login(client, world.outsider)
    home = text(client.get(reverse("home")))
    assert 'id="mot-cua"' not in home and 'href="/ho-so/"' not in home
