"""Satisfaction ratings from the lookup page: once per case, only after the result, CSRF and the
look-ups' rate limit; they move the 766 satisfaction figure and the derived indicator."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core import lookup
from dieuhanh.dossiers import score766
from dieuhanh.dossiers import services as dossier_services
from dieuhanh.dossiers.models import Dossier
from dieuhanh.notifications.indicators import satisfaction_rate
from dieuhanh.notifications.models import Rating
from dieuhanh.petitions import services
from dieuhanh.testing import signed_in

pytestmark = pytest.mark.django_db


def rate(client: Client, code: str, level: Any, comment: str = "") -> Any:
    return client.post(reverse("public_rating"), {"code": code, "level": level, "comment": comment})


def concluded(world: Any, result: str = "right", **overrides: Any) -> Any:
    p = world.petition(**overrides)
    today = timezone.localdate()
    services.do_accept(actor=world.reception_a, petition=p, on=today, handlers=[world.officer_a])
    return services.do_conclude(actor=world.officer_a, petition=p, result=result, conclusion="Đúng.", on=today)


def test_a_rating_is_refused_before_the_result_and_taken_once_after(world: Any) -> None:
    client = Client()
    d = world.dossier()
    page = client.get(reverse("public_lookup"), {"code": d.lookup_code}).content.decode()
    assert "khi đơn, hồ sơ đã có kết quả" in page and 'name="level"' not in page
    refused = rate(client, d.lookup_code, 5)
    assert refused.status_code == 400 and "Chỉ đánh giá được sau khi" in refused.content.decode()
    assert not Rating.objects.exists()

    dossier_services.do_record_result(actor=world.onestop_a, dossier=d)
    page = client.get(reverse("public_lookup"), {"code": d.lookup_code}).content.decode()
    assert 'name="level"' in page and "Rất hài lòng" in page
    done = rate(client, lookup.grouped(d.lookup_code).lower(), 4, "Cán bộ nhiệt tình.")
    assert done.status_code == 200 and "Cảm ơn ông/bà đã đánh giá" in done.content.decode()
    r = Rating.objects.get()
    assert (r.case_type, r.case_id, r.unit_id, r.level, r.comment) == (
        "dossiers.dossier", d.pk, world.ward_a.pk, 4, "Cán bộ nhiệt tình.")

    again = rate(client, d.lookup_code, 1)
    assert again.status_code == 409 and "mỗi đơn, hồ sơ chỉ đánh giá một lần" in again.content.decode()
    assert Rating.objects.get().level == 4
    assert "Ông/bà đã đánh giá «Hài lòng»" in client.get(reverse("public_lookup"), {"code": d.lookup_code}).content.decode()


def test_bad_input_never_fails(world: Any) -> None:
    client = Client()
    p = concluded(world)
    assert rate(client, p.receipt_code, 9).status_code == 400
    assert rate(client, p.receipt_code, "năm").status_code == 400
    assert rate(client, p.receipt_code, 3, "x" * 1001).status_code == 400
    assert rate(client, "KHONGCOMA9", 3).status_code == 404
    assert client.get(reverse("public_rating")).status_code == 405
    assert not Rating.objects.exists()
    assert rate(client, p.receipt_code, 3).status_code == 200


def test_the_form_needs_its_csrf_token(world: Any) -> None:
    p = concluded(world)
    client = Client(enforce_csrf_checks=True)
    assert rate(client, p.receipt_code, 5).status_code == 403
    page = client.get(reverse("public_lookup"), {"code": p.receipt_code})
    token = page.cookies["csrftoken"].value
    answer = client.post(reverse("public_rating"), {"code": p.receipt_code, "level": 5, "csrfmiddlewaretoken": token})
    assert answer.status_code == 200 and Rating.objects.count() == 1


def test_ratings_count_against_the_lookup_budget(world: Any, settings: Any) -> None:
    p = concluded(world)
    client = Client()
    for _ in range(lookup.LOOKUP_LIMIT):
        client.get(reverse("public_lookup"), {"code": "22222-22222"})
    assert rate(client, p.receipt_code, 5).status_code == 429
    assert not Rating.objects.exists()


def test_the_766_figure_and_the_indicator_move_with_ratings(world: Any) -> None:
    client = Client()
    year = timezone.localdate().year
    dossiers = [world.dossier() for _ in range(3)]
    for d in dossiers:
        dossier_services.do_record_result(actor=world.onestop_a, dossier=d)
    today = timezone.localdate()

    def figure() -> tuple[int, int, float | None]:
        total = score766.compute(Dossier.objects.all(), period_end=today).total.satisfaction
        assert total is not None
        [c] = total.criteria
        return c.numerator, c.denominator, total.total

    assert figure() == (0, 0, None)
    assert satisfaction_rate(world.leader, [year], today, {}) == {}
    rate(client, dossiers[0].lookup_code, 5)
    rate(client, dossiers[1].lookup_code, 2)
    assert figure() == (1, 2, 9.0)  # 18 × 1/2
    rate(client, dossiers[2].lookup_code, 4)
    assert figure() == (2, 3, 12.0)
    p = concluded(world)
    rate(client, p.receipt_code, 1)
    # The indicator counts petitions and dossiers, per unit; the 766 index dossiers only.
    assert satisfaction_rate(world.leader, [year], today, {}) == {(world.ward_a.pk, year): (2, 4)}
    assert satisfaction_rate(world.officer_b, [year], today, {}) == {}  # ward B sees none of ward A's
    assert figure() == (2, 3, 12.0)
    # A rating given after the period's end does not count in it.
    before = score766.compute(Dossier.objects.all(), period_end=today - dt.timedelta(days=1)).total.satisfaction
    assert before is not None and before.criteria[0].denominator == 0


def test_the_index_page_and_the_case_pages_show_the_ratings(world: Any) -> None:
    d = world.dossier()
    dossier_services.do_record_result(actor=world.onestop_a, dossier=d)
    rate(Client(), d.lookup_code, 5, "Nhanh gọn.")
    year = timezone.localdate().year
    page = signed_in(world.leader).get(reverse("dossier_score766"), {"date_from": f"{year}-01-01"}).content.decode()
    assert "data-satisfaction-total" in page and "Mức độ hài lòng" in page
    assert '<span class="stat__count">18<small>/18</small>' in page
    detail = signed_in(world.onestop_a).get(d.get_absolute_url()).content.decode()
    assert 'data-rating-level="5"' in detail and "Nhanh gọn." in detail


def test_a_denouncer_s_comment_is_shown_only_to_handlers(world: Any) -> None:
    p = concluded(world, result="true", kind="denunciation", subject="Tố cáo cán bộ")
    rate(Client(), p.receipt_code, 2, "Tôi là Nguyễn Văn Khiếu, chưa thoả đáng.")
    leader = signed_in(world.leader).get(p.get_absolute_url()).content.decode()
    assert 'data-rating-level="2"' in leader and "Nguyễn Văn Khiếu, chưa" not in leader
    handler = signed_in(world.officer_a).get(p.get_absolute_url()).content.decode()
    assert "Nguyễn Văn Khiếu, chưa thoả đáng." in handler
