"""The citizen's pages of the petitions, without an account: filing online (its checks, the
honeypot, the rate limit per address), the receipt and the lookup by code, which never shows
personal data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dieuhanh.org.models import AdminUnit
from dieuhanh.petitions import services
from dieuhanh.petitions.choices import Channel
from dieuhanh.petitions.models import Petition
from dieuhanh.petitions.views import FILE_LIMIT, FILING

DENOUNCER = "Hoàng Thị Bí Mật"


def public_data(world, **overrides):
    data = {"kind": "feedback", "field": "infrastructure", "unit": str(world.ward_a.pk),
            "content": "Đèn chiếu sáng đường Nguyễn Trãi đoạn trước số 24 bị hỏng đã hai tuần.",
            "place": "Trước số 24 đường Nguyễn Trãi", "lat": "21.1302", "lon": "106.3947",
            "name": "Vũ Thị Dân", "phone": "0977555444", "address": "Số 30 Nguyễn Trãi", "website": ""}
    data.update(overrides)
    return data


def test_a_citizen_files_online_and_gets_a_receipt_code(client, world):
    page = client.get(reverse("petitions:public_file")).content.decode()
    assert "Phường Chu Văn An" in page and "Phường Sao Đỏ" not in page  # today's wards only
    response = client.post(reverse("petitions:public_file"), public_data(world))
    assert response.status_code == 302 and response["Location"] == reverse("petitions:public_receipt")
    p = Petition.objects.get()
    assert p.channel == Channel.ONLINE and p.receiving_unit == world.ward_a and p.created_by is None
    assert p.lat == pytest.approx(21.1302)
    receipt = client.get(reverse("petitions:public_receipt")).content.decode()
    assert p.receipt_code in receipt and p.number in receipt


def test_the_lookup_shows_progress_but_no_personal_data(client, world):
    p = world.petition(kind="denunciation", respondent="Ông Trần Bị Tố, cán bộ xây dựng",
                       identity={"name": DENOUNCER, "address": "Khu dân cư số 5", "phone": "0988000111"})
    services.do_assign(actor=world.reception_a, petition=p, users=[world.officer_a])
    services.do_accept(actor=world.reception_a, petition=p)
    response = client.get(reverse("public_lookup"), {"code": p.receipt_code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert p.number in page and "Đã thụ lý" in page and "Thụ lý giải quyết ngày" in page
    for private in (DENOUNCER, "Khu dân cư số 5", "0988000111", "Trần Bị Tố", "phuong_a", "tiepdan_a", p.content):
        assert private not in page, private


def test_the_lookup_shows_the_answer_to_feedback(client, world):
    p = world.petition(kind="feedback", subject="Đèn hỏng", content="Đèn đường tổ 7 hỏng từ tuần trước.")
    services.do_accept(actor=world.reception_a, petition=p)
    services.do_conclude(actor=world.leader, petition=p, result="answered", conclusion="Đã thay bóng đèn tổ 7.")
    page = client.get(reverse("public_lookup"), {"code": p.receipt_code}).content.decode()
    assert "Đã thay bóng đèn tổ 7." in page and "Nguyễn Văn Khiếu" not in page


def test_an_unknown_code_is_not_found(client, world):
    response = client.get(reverse("public_lookup"), {"code": "ZZZZZZZZZZ"})
    assert response.status_code == 404 and "Không tìm thấy đơn, hồ sơ có mã này" in response.content.decode()
    assert client.get(reverse("public_lookup")).status_code == 200


def test_a_complaint_online_needs_a_name(client, world):
    page = client.post(reverse("petitions:public_file"),
                       public_data(world, kind="complaint", name="", is_anonymous="on")).content.decode()
    assert "Chỉ phản ánh mới được gửi không ghi tên" in page
    page = client.post(reverse("petitions:public_file"), public_data(world, kind="complaint", name="")).content.decode()
    assert "Thiếu họ tên người gửi đơn" in page
    assert not Petition.objects.exists()


def test_anonymous_feedback_is_accepted(client, world):
    client.post(reverse("petitions:public_file"),
                public_data(world, name="", phone="", address="", is_anonymous="on"))
    p = Petition.objects.get()
    assert p.is_anonymous


def test_bad_public_input_is_named(client, world):
    page = client.post(reverse("petitions:public_file"), public_data(world, lat="abc")).content.decode()
    assert "Vĩ độ phải là số" in page
    page = client.post(reverse("petitions:public_file"), public_data(world, content="", unit="")).content.decode()
    assert "Thiếu nội dung đơn" in page and "Thiếu nơi phát sinh vụ việc" in page
    assert not Petition.objects.exists()


def test_the_honeypot_stops_robots(client, world):
    response = client.post(reverse("petitions:public_file"), public_data(world, website="http://spam.example"))
    assert response.status_code == 400 and "thư rác" in response.content.decode()
    assert not Petition.objects.exists()


def test_filings_are_rate_limited_per_address(client, world):
    for i in range(5):
        data = public_data(world, content=f"Phản ánh số {i}: rác thải tồn đọng ở tổ dân phố {i} nhiều ngày.")
        assert client.post(reverse("petitions:public_file"), data).status_code == 302
    response = client.post(reverse("petitions:public_file"), public_data(world))
    assert response.status_code == 429 and "thử lại sau một giờ" in response.content.decode()
    assert Petition.objects.count() == 5
    other = client.post(reverse("petitions:public_file"), public_data(world), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302


def test_a_form_retyped_after_errors_still_files(client, world):
    # Six mistakes in a row (more than the five filings an hour) do not spend the budget.
    for _ in range(6):
        page = client.post(reverse("petitions:public_file"), public_data(world, content="")).content.decode()
        assert "Thiếu nội dung đơn" in page
    assert client.post(reverse("petitions:public_file"), public_data(world)).status_code == 302
    for i in range(4):
        data = public_data(world, content=f"Phản ánh số {i}: rác thải tồn đọng ở tổ dân phố {i} nhiều ngày.")
        assert client.post(reverse("petitions:public_file"), data).status_code == 302
    assert client.post(reverse("petitions:public_file"), public_data(world)).status_code == 429
    assert Petition.objects.count() == 5


def test_a_filing_refused_by_the_rules_gives_its_place_back(client, world):
    # The form passes; the service refuses (a complaint without a name): nothing is spent.
    for _ in range(6):
        page = client.post(reverse("petitions:public_file"),
                           public_data(world, kind="complaint", name="")).content.decode()
        assert "Thiếu họ tên người gửi đơn" in page
    assert client.post(reverse("petitions:public_file"), public_data(world)).status_code == 302


def test_failed_attempts_have_their_own_larger_limit(client, world):
    failed_limit = FILE_LIMIT * FILING.failed_factor
    for _ in range(failed_limit):
        assert client.post(reverse("petitions:public_file"), public_data(world, content="")).status_code == 200
    response = client.post(reverse("petitions:public_file"), public_data(world))
    assert response.status_code == 429 and "gửi lỗi nhiều lần" in response.content.decode()
    assert not Petition.objects.exists()
    assert client.post(reverse("petitions:public_file"), public_data(world), REMOTE_ADDR="10.9.8.7").status_code == 302


def test_a_known_kiosk_files_for_many_citizens(client, world, settings):
    settings.DIEUHANH_KIOSK_ADDRESSES = ["192.0.2.10", "198.51.100.0/24"]
    settings.DIEUHANH_KIOSK_FILE_LIMIT = 8
    for address in ("192.0.2.10", "198.51.100.77"):
        for i in range(8):
            data = public_data(world, content=f"Phản ánh số {i} từ máy ki-ốt: đường tổ {i} ngập nước sau mưa.")
            assert client.post(reverse("petitions:public_file"), data, REMOTE_ADDR=address).status_code == 302
        assert client.post(reverse("petitions:public_file"), public_data(world), REMOTE_ADDR=address).status_code == 429
    assert Petition.objects.count() == 16
    # An address outside the list keeps the ordinary limit.
    for i in range(FILE_LIMIT):
        data = public_data(world, content=f"Phản ánh số {i}: rác thải tồn đọng ở tổ dân phố {i} nhiều ngày.")
        assert client.post(reverse("petitions:public_file"), data, REMOTE_ADDR="192.0.2.11").status_code == 302
    assert client.post(reverse("petitions:public_file"), public_data(world), REMOTE_ADDR="192.0.2.11").status_code == 429


def test_the_receipt_page_needs_a_filing(client):
    assert client.get(reverse("petitions:public_receipt"))["Location"] == reverse("petitions:public_file")


# --- limits of the text, and the map point against the chosen ward ----------------------------------------------


def test_an_over_long_content_is_refused_with_its_limit(client, world):
    from dieuhanh.petitions.receiving import CONTENT_MAX

    page = client.post(reverse("petitions:public_file"),
                       public_data(world, content="Rác thải ùn ứ. " * (CONTENT_MAX // 10))).content.decode()
    assert "Nội dung đơn dài quá 20.000 ký tự" in page and not Petition.objects.exists()
    page = client.post(reverse("petitions:public_file"), public_data(world, place="Ngõ 5" * 96)).content.decode()
    assert "Địa điểm cụ thể dài quá 300 ký tự (hiện 480 ký tự)." in page and not Petition.objects.exists()


@pytest.fixture
def ward_a_on_the_map(world):
    # Phường Chu Văn An, about 20 km² (a disc of 2.5 km): questioned beyond 5 km of its centre.
    AdminUnit.objects.filter(pk=world.ward_a.pk).update(latitude=21.1302, longitude=106.3947, area_km2=20.0)
    return world


def test_a_point_inside_the_ward_is_taken_without_question(client, ward_a_on_the_map):
    response = client.post(reverse("petitions:public_file"),
                           public_data(ward_a_on_the_map, lat="21.1500", lon="106.4100"))  # ~2.7 km away
    assert response.status_code == 302


def test_a_point_far_from_the_chosen_ward_is_questioned_then_confirmed(client, ward_a_on_the_map):
    far = public_data(ward_a_on_the_map, lat="21.0285", lon="105.8542")  # Hà Nội, ~57 km away
    page = client.post(reverse("petitions:public_file"), far).content.decode()
    assert "cách trung tâm Phường Chu Văn An khoảng 57" in page and "khoảng 5,0 km" in page
    assert 'name="location_confirmed"' in page and not Petition.objects.exists()
    response = client.post(reverse("petitions:public_file"), {**far, "location_confirmed": "on"})
    assert response.status_code == 302
    assert Petition.objects.get().lat == pytest.approx(21.0285)


def test_a_ward_without_a_centre_questions_nothing(client, world):
    far = public_data(world, lat="21.0285", lon="105.8542")
    assert client.post(reverse("petitions:public_file"), far).status_code == 302
