"""The staff's petition pages, driven through Django's test client with the personas of
`dieuhanh.testing`: who may open which page, what each action changes (and that a refused one
changes nothing), and that a denouncer's identity shows nowhere but to a handler who asks — and
that asking is logged. The citizen's pages: test_public_views.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dieuhanh.core.models import AuditEvent
from dieuhanh.petitions import receiving, services
from dieuhanh.petitions.choices import OPEN_STATES, Channel, State
from dieuhanh.petitions.confidentiality import REDACTED
from dieuhanh.petitions.models import Attachment, Petition, ReceptionSession
from dieuhanh.testing import login

TODAY = timezone.localdate
DENOUNCER = "Hoàng Thị Bí Mật"


@pytest.fixture
def complaint(world):
    return world.petition(attachments=[("bien-ban.pdf", "application/pdf", b"%PDF-1.4 complaint")])


@pytest.fixture
def denunciation(world):
    """A denunciation in ward A, with officer_a assigned to handle it."""
    p = world.petition(
        kind="denunciation", field="corruption", subject="Tố cáo cán bộ địa chính nhận tiền",
        content="Tố cáo cán bộ địa chính phường nhận tiền để hợp thức hoá đất lấn chiếm.",
        respondent="Cán bộ địa chính phường",
        identity={"name": DENOUNCER, "address": "Khu dân cư số 5", "phone": "0988000111"},
        attachments=[("don-to-cao.pdf", "application/pdf", b"%PDF-1.4 signed by the denouncer")],
    )
    return services.do_assign(actor=world.reception_a, petition=p, users=[world.officer_a])


@pytest.fixture
def ward_b_petition(world):
    return world.petition(actor=world.reception_b, unit=world.ward_b, subject="Khiếu nại ở phường Chí Linh",
                          content="Khiếu nại việc chậm cấp giấy chứng nhận quyền sử dụng nhà ở.",
                          identity={"name": "Người Phường Bê"})


def detail(p):
    return reverse("petitions:petition_detail", args=[p.pk])


def act(p, action):
    return f"/don/{p.pk}/{action}/"


def snapshot(p):
    p.refresh_from_db()
    return (p.state, p.accepted_on, p.concluded_on, p.result, p.steps.count(), AuditEvent.objects.count())


# --- who may open what -----------------------------------------------------------------------------


STAFF_PAGES = ["petitions:petition_list", "petitions:petition_stats", "petitions:session_list",
               "petitions:petition_export"]


def test_it_shows_every_staff_page_to_reception(client, world, complaint):
    login(client, world.reception_a)
    for name in [*STAFF_PAGES, "petitions:petition_create", "petitions:session_create"]:
        assert client.get(reverse(name)).status_code == 200, name
    page = client.get(detail(complaint))
    assert page.status_code == 200
    assert "Thụ lý giải quyết" in page.content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(client, complaint):
    for url in [reverse(n) for n in STAFF_PAGES] + [detail(complaint), reverse("petitions:petition_create")]:
        response = client.get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url


def test_it_refuses_an_outsider_every_staff_page(client, world, complaint):
    login(client, world.outsider)
    for name in [*STAFF_PAGES, "petitions:petition_create", "petitions:session_create"]:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(detail(complaint)).status_code == 404


def test_it_lets_only_receivers_open_the_receiving_form(client, world):
    login(client, world.officer_a)
    assert client.get(reverse("petitions:petition_list")).status_code == 200
    assert client.get(reverse("petitions:petition_create")).status_code == 403
    assert client.get(reverse("petitions:session_create")).status_code == 403


def test_ward_b_gets_404_for_ward_a_petition_everywhere(client, world, complaint, denunciation):
    login(client, world.officer_b)
    attachment = complaint.attachments.get()
    before = snapshot(complaint)
    assert client.get(detail(complaint)).status_code == 404
    assert client.post(reverse("petitions:petition_identity", args=[denunciation.pk])).status_code == 404
    assert client.get(reverse("petitions:petition_attachment", args=[complaint.pk, attachment.pk])).status_code == 404
    for action in ("accept", "conclude", "assign", "make_task", "second_complaint"):
        assert client.post(act(complaint, action), {f"{action}-on": f"{TODAY():%d/%m/%Y}"}).status_code == 404
    assert snapshot(complaint) == before
    listing = client.get(reverse("petitions:petition_list")).content.decode()
    assert complaint.subject not in listing


def test_ward_b_sees_its_own_petitions_only(client, world, complaint, ward_b_petition):
    login(client, world.officer_b)
    listing = client.get(reverse("petitions:petition_list")).content.decode()
    assert ward_b_petition.subject in listing and complaint.subject not in listing
    assert client.get(detail(ward_b_petition)).status_code == 200


# --- the list ------------------------------------------------------------------------------------------


def test_it_filters_by_todays_ward_including_its_predecessor(client, world, ward_b_petition):
    old = world.petition(unit=world.ward_a_old, received_on=dt.date(2021, 3, 15), subject="Đơn năm 2021 ở Sao Đỏ")
    new = world.petition(subject="Đơn mới ở Chu Văn An")
    login(client, world.office)
    page = client.get(reverse("petitions:petition_list"), {"unit": world.ward_a.pk}).content.decode()
    assert old.subject in page and new.subject in page and ward_b_petition.subject not in page
    page = client.get(reverse("petitions:petition_list"), {"year": "2021"}).content.decode()
    assert old.subject in page and new.subject not in page


def test_it_searches_without_diacritics(client, world, complaint, ward_b_petition):
    login(client, world.office)
    page = client.get(reverse("petitions:petition_list"), {"q": "thu hoi dat"}).content.decode()
    assert complaint.subject in page and ward_b_petition.subject not in page
    page = client.get(reverse("petitions:petition_list"), {"q": complaint.receipt_code.lower()}).content.decode()
    assert "1 đơn" in page


def test_it_filters_by_timing_and_flags(client, world):
    late = world.petition(subject="Đơn nhận đã lâu", received_on=TODAY() - dt.timedelta(days=60))
    fresh = world.petition(kind="feedback", subject="Phản ánh đèn đường hỏng", content="Đèn đường tổ 7 hỏng từ tuần trước.",
                           identity={"name": "Người khác hẳn"})
    repeat = world.petition(subject="Khiếu nại quyết định thu hồi đất", received_on=TODAY())
    assert repeat.duplicate_of_id is not None
    login(client, world.reception_a)
    page = client.get(reverse("petitions:petition_list"), {"timing": "overdue"}).content.decode()
    assert late.subject in page and fresh.subject not in page
    page = client.get(reverse("petitions:petition_list"), {"flag": "duplicate"}).content.decode()
    assert f">{repeat.number}<" in page and f">{fresh.number}<" not in page


def test_it_lists_open_petitions_as_the_dashboard_links_them(client, world, complaint):
    closed = world.petition(subject="Đơn đã chuyển đi", content="Nội dung khác hẳn của đơn đã chuyển.",
                            identity={"name": "Người chuyển"})
    services.do_transfer(actor=world.reception_a, petition=closed, to="Sở Xây dựng")
    login(client, world.reception_a)
    page = client.get(reverse("petitions:petition_list"), {"state": "open"}).content.decode()
    assert complaint.subject in page and closed.subject not in page and "Bộ lọc không hợp lệ" not in page


def test_it_reports_a_bad_filter_and_applies_the_others(client, world, complaint):
    login(client, world.reception_a)
    response = client.get(reverse("petitions:petition_list"), {"kind": "nonsense", "field": "land"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bộ lọc không hợp lệ" in page and complaint.subject in page


def test_it_shows_the_due_summary_to_leaders_and_office_only(client, world, complaint):
    login(client, world.leader)
    assert "Đơn đang quá hạn" in client.get(reverse("petitions:petition_list")).content.decode()
    login(client, world.officer_a)
    assert "Đơn đang quá hạn" not in client.get(reverse("petitions:petition_list")).content.decode()


def test_the_list_answers_htmx_with_the_results_only(client, world, complaint):
    login(client, world.reception_a)
    response = client.get(reverse("petitions:petition_list"), headers={"HX-Request": "true",
                                                                        "HX-Target": "petition-results"})
    page = response.content.decode()
    assert complaint.subject in page and "<html" not in page


def _register_of_every_kind(world):
    """Petitions that between them light every part of a register line: a group complaint
    received at the city for ward A, a denunciation, a time-barred complaint, one past its
    deadline, and a repeat."""
    world.petition(actor=world.office, receiving_unit=world.city, signer_count=6, subject="Đơn tập thể về bồi thường")
    world.petition(kind="denunciation", field="corruption", subject="Tố cáo nhận tiền", identity={"name": DENOUNCER})
    world.petition(subject="Khiếu nại quá thời hiệu", decision_known_on=TODAY() - dt.timedelta(days=400),
                   content="Khiếu nại quyết định đã nhận từ lâu.", identity={"name": "Người khiếu nại muộn"})
    world.petition(subject="Đơn nhận đã lâu", received_on=TODAY() - dt.timedelta(days=60),
                   content="Nội dung khác của đơn đã lâu.", identity={"name": "Người gửi cũ"})
    world.petition()  # repeats the first ward A complaint of the same words
    world.petition()


def test_a_register_line_shows_every_column_and_flag(client, world):
    _register_of_every_kind(world)
    login(client, world.leader)
    page = client.get(reverse("petitions:petition_list")).content.decode()
    for part in ("nhận tại Thành phố", "6 người ký", "flag--confidential", str(REDACTED), "flag--time_barred",
                 "flag--prolonged", "flag--duplicate", "badge--overdue", "pstate--received", "Khiếu nại",
                 "Đất đai", "Nguyễn Văn Khiếu"):
        assert part in page, part
    assert DENOUNCER not in page
    late = Petition.objects.get(subject="Đơn nhận đã lâu")
    assert f'<a class="code" href="{detail(late)}">{late.number}</a>' in page
    assert f"{late.due_on:%d/%m/%Y}<div><span class=\"badge badge--overdue\">" in page


def test_a_register_line_escapes_what_was_typed_and_not_the_translations(client, world):
    from dieuhanh.testing import in_english

    world.petition(subject='<b>"Đất" & nhà</b>', content="Nội dung có thẻ HTML.", identity={"name": "<i>Ông A</i>"})
    world.petition(kind="denunciation", field="corruption", subject="Tố cáo nhận tiền", identity={"name": DENOUNCER})
    login(client, world.leader)
    page = client.get(reverse("petitions:petition_list")).content.decode()
    assert "&lt;b&gt;&quot;Đất&quot; &amp; nhà&lt;/b&gt;" in page and '<b>"Đất"' not in page
    assert "&lt;i&gt;Ông A&lt;/i&gt;" in page and "<i>Ông A" not in page
    english = in_english(client).get(reverse("petitions:petition_list")).content.decode()
    assert 'title="The petitioner\'s identity is confidential"' in english


def test_the_register_page_takes_the_same_queries_however_many_lines(client, world, django_assert_max_num_queries):
    _register_of_every_kind(world)
    login(client, world.leader)
    client.get(reverse("petitions:petition_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("petitions:petition_list"))
    few_count = len(few.captured_queries)  # read now: the next request clears the connection's log
    for i in range(12):
        world.petition(subject=f"Đơn thêm {i}", content=f"Nội dung riêng số {i} của đơn thêm.", identity={"name": f"Người {i}"})
    _register_of_every_kind(world)
    client.get(reverse("petitions:petition_list"))  # the filter bar's options read again once: petitions were added
    with django_assert_max_num_queries(few_count):
        client.get(reverse("petitions:petition_list"))


def test_the_rows_alone_skip_the_filter_bar_and_the_tiles(client, world, django_assert_max_num_queries):
    """The filter bar asks for the results only: neither the bar's choices nor the tiles above
    the list are counted for it."""
    _register_of_every_kind(world)
    login(client, world.leader)
    rows_only = {"HX-Request": "true", "HX-Target": "petition-results"}
    client.get(reverse("petitions:petition_list"), headers=rows_only)
    with django_assert_max_num_queries(50) as whole:
        client.get(reverse("petitions:petition_list"))
    with django_assert_max_num_queries(len(whole.captured_queries) - 2):  # at least the tiles' two counts
        response = client.get(reverse("petitions:petition_list"), headers=rows_only)
    assert "filter_form" not in response.context and "summary" not in response.context
    page = response.content.decode()
    assert "Đơn tập thể về bồi thường" in page and "Đơn đang quá hạn" not in page


def test_a_page_of_the_register_builds_no_unit_objects(client, world):
    """The lines read the units' names with the petitions (one query, no objects a line)."""
    from django.db.models.signals import post_init

    from dieuhanh.org.models import AdminUnit

    _register_of_every_kind(world)
    login(client, world.leader)
    built = []

    def count(sender, **kwargs):
        built.append(sender)

    post_init.connect(count, sender=AdminUnit)
    try:
        page = client.get(reverse("petitions:petition_list"), headers={"HX-Request": "true", "HX-Target": "petition-results"})
    finally:
        post_init.disconnect(count, sender=AdminUnit)
    assert "nhận tại Thành phố" in page.content.decode() and built == []


def test_a_page_of_the_register_is_read_in_order_not_sorted(world):
    """The register's index gives the petitions newest first: a page stops at its end instead
    of sorting every petition the user may see (SQLite's plan; PostgreSQL plans by statistics)."""
    from django.db import connection

    from dieuhanh.petitions import views

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plan")

    request = type("Request", (), {"GET": {}, "user": world.leader})()
    petitions, _problems = views._filtered(request)
    sql, params = petitions[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "petition_register_order" in plan and "TEMP B-TREE FOR ORDER BY" not in plan


# --- confidentiality -------------------------------------------------------------------------------------


def test_a_denouncer_is_redacted_in_the_list_for_everyone(client, world, denunciation, complaint):
    for user in (world.reception_a, world.officer_a, world.leader, world.admin):
        login(client, user)
        text = client.get(reverse("petitions:petition_list")).content.decode()
        assert DENOUNCER not in text and str(REDACTED) in text
        assert "Nguyễn Văn Khiếu" in text  # an ordinary complainant is shown


def test_searching_a_denouncers_name_finds_nothing(client, world, denunciation):
    for user in (world.officer_a, world.admin):
        login(client, user)
        for q in (DENOUNCER, "hoang thi bi mat", "Bí Mật"):
            page = client.get(reverse("petitions:petition_list"), {"q": q}).content.decode()
            assert "0 đơn" in page and denunciation.subject not in page


def test_a_non_handler_never_sees_the_denouncer(client, world, denunciation):
    for user in (world.reception_a, world.leader, world.office):
        login(client, user)
        page = client.get(detail(denunciation)).content.decode()
        assert DENOUNCER not in page and "0988000111" not in page and str(REDACTED) in page
        assert "Xem danh tính người tố cáo" not in page
        events = AuditEvent.objects.filter(action="reveal").count()
        assert client.post(reverse("petitions:petition_identity", args=[denunciation.pk])).status_code == 403
        assert AuditEvent.objects.filter(action="reveal").count() == events


def test_a_handler_sees_the_denouncer_only_on_request_and_it_is_logged(client, world, denunciation):
    login(client, world.officer_a)
    page = client.get(detail(denunciation)).content.decode()
    assert DENOUNCER not in page and "Xem danh tính người tố cáo (được ghi nhật ký)" in page
    assert not AuditEvent.objects.filter(action="reveal").exists()
    before = timezone.now()
    response = client.post(reverse("petitions:petition_identity", args=[denunciation.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and DENOUNCER in page and "0988000111" in page
    assert response["Cache-Control"] == "no-store, private"
    reveal = AuditEvent.objects.get(action="reveal")
    assert reveal.actor == world.officer_a and reveal.object_id == str(denunciation.pk) and reveal.at >= before
    assert DENOUNCER not in str(reveal.after) and DENOUNCER not in reveal.object_repr


def test_an_ordinary_petitioner_is_shown_without_logging(client, world, complaint):
    login(client, world.officer_a)
    page = client.get(detail(complaint)).content.decode()
    assert "Nguyễn Văn Khiếu" in page and "0912345678" in page
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_denunciations_attachment_goes_to_its_handler_only(client, world, denunciation):
    attachment = denunciation.attachments.get()
    url = reverse("petitions:petition_attachment", args=[denunciation.pk, attachment.pk])
    login(client, world.reception_a)
    page = client.get(detail(denunciation)).content.decode()
    assert "don-to-cao.pdf" not in page and url not in page
    assert client.get(url).status_code == 404
    login(client, world.officer_a)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed by the denouncer"
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="reveal", actor=world.officer_a).count() == 1


def test_an_ordinary_attachment_downloads_for_whoever_sees_the_petition(client, world, complaint):
    attachment = complaint.attachments.get()
    login(client, world.officer_a)
    page = client.get(detail(complaint)).content.decode()
    assert "bien-ban.pdf" in page
    response = client.get(reverse("petitions:petition_attachment", args=[complaint.pk, attachment.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 complaint"
    other = world.petition(subject="Đơn khác", identity={"name": "Khác"})
    assert client.get(reverse("petitions:petition_attachment", args=[other.pk, attachment.pk])).status_code == 404


def test_attachment_of_an_unknown_petition_is_404(client, world, complaint):
    login(client, world.reception_a)
    assert client.get(reverse("petitions:petition_attachment", args=[complaint.pk, 999999])).status_code == 404
    assert Attachment.objects.count() == 1


# --- receiving ---------------------------------------------------------------------------------------------


def receive_data(world, **overrides):
    data = {
        "channel": Channel.DESK, "receiving_unit": world.ward_a.pk, "received_on": f"{TODAY():%d/%m/%Y}",
        "kind": "complaint", "field": "land", "subject": "Khiếu nại bồi thường đất nông nghiệp",
        "content": "Đề nghị xem xét lại mức bồi thường đất nông nghiệp khi thu hồi làm đường.",
        "unit": world.ward_a.pk, "name": "Đỗ Văn Nông", "address": "Thôn Đông", "phone": "0911222333",
        "signer_count": "1", "co_signers": "",
    }
    data.update(overrides)
    return data


def test_reception_receives_a_petition_with_attachments(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, world.reception_a)
    data = receive_data(world, co_signers="Đỗ Thị Hai\nĐỗ Văn Ba", signer_count="3")
    data["attachments"] = [SimpleUploadedFile("anh-don.jpg", b"\xff\xd8\xff\xe0jpeg", content_type="image/jpeg"),
                           SimpleUploadedFile("so-do.pdf", b"%PDF-1.4", content_type="application/pdf")]
    response = client.post(reverse("petitions:petition_create"), data)
    p = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(p)
    assert p.state == State.RECEIVED and p.signer_count == 3 and p.receiving_unit == world.ward_a
    assert p.attachments.count() == 2
    assert sorted(services.attachment_name(a) for a in p.attachments.all()) == ["anh-don.jpg", "so-do.pdf"]
    page = client.get(detail(p)).content.decode()
    assert "Đỗ Văn Nông" in page and "Đỗ Thị Hai; Đỗ Văn Ba" in page


def test_receiving_without_content_shows_the_error_and_saves_nothing(client, world):
    login(client, world.reception_a)
    events = AuditEvent.objects.count()
    response = client.post(reverse("petitions:petition_create"), receive_data(world, content=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Thiếu nội dung đơn" in page and "field--error" in page
    assert Petition.objects.count() == 0 and AuditEvent.objects.count() == events
    assert 'value="Đỗ Văn Nông"' in page  # what was typed stays


def test_a_petition_dated_after_its_receipt_is_refused(client, world):
    login(client, world.reception_a)
    data = receive_data(world, received_on=f"{TODAY() - dt.timedelta(days=5):%d/%m/%Y}",
                        dated_on=f"{TODAY() - dt.timedelta(days=1):%d/%m/%Y}")
    page = client.post(reverse("petitions:petition_create"), data).content.decode()
    assert "Ngày ghi trên đơn" in page and "sau ngày nhận đơn" in page
    assert Petition.objects.count() == 0


def test_a_date_that_does_not_parse_is_named(client, world):
    login(client, world.reception_a)
    page = client.post(reverse("petitions:petition_create"), receive_data(world, received_on="31/02/2026")).content.decode()
    assert "Ngày nhận đơn: nhập ngày theo dạng ngày/tháng/năm" in page
    assert Petition.objects.count() == 0


def test_receiving_for_a_unit_outside_ones_scope_is_refused(client, world):
    login(client, world.reception_b)
    client.post(reverse("petitions:petition_create"), receive_data(world, receiving_unit=world.ward_a.pk))
    assert Petition.objects.count() == 0


# --- actions ---------------------------------------------------------------------------------------------------


def test_a_complaint_goes_through_accept_conclude_and_send(client, world, complaint):
    login(client, world.reception_a)
    day = f"{TODAY():%d/%m/%Y}"
    response = client.post(act(complaint, "accept"), {"accept-accepted_on": day, "accept-handlers": [world.officer_a.pk],
                                                      "accept-complexity": "normal"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.ACCEPTED and complaint.assignments.filter(user=world.officer_a).exists()
    login(client, world.officer_a)
    page = client.get(detail(complaint)).content.decode()
    assert "Kết luận, ra quyết định" in page
    response = client.post(act(complaint, "conclude"), {
        "conclude-result": "partly_right", "conclude-conclusion": "Khiếu nại đúng một phần: bồi thường bổ sung 20 m².",
        "conclude-decision_number": "45/QĐ-UBND", "conclude-concluded_on": day})
    assert response.status_code == 302
    response = client.post(act(complaint, "send_decision"), {"send_decision-decision_sent_on": day, "send_decision-note": "Gửi ông Khiếu"})
    complaint.refresh_from_db()
    assert complaint.state == State.RESOLVED and complaint.decision_sent_on == TODAY()
    assert complaint.decision_number == "45/QĐ-UBND"
    page = client.get(detail(complaint), follow=True).content.decode()
    assert "Khiếu nại đúng một phần" in page and "Đã giải quyết xong" in page


def test_an_action_not_allowed_from_the_state_changes_nothing(client, world, complaint):
    login(client, world.leader)
    before = snapshot(complaint)
    response = client.post(act(complaint, "conclude"), {"conclude-result": "right", "conclude-conclusion": "Đúng"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Không thể «kết luận, ra quyết định» đơn đang ở trạng thái «Đã tiếp nhận, chờ xử lý»" in page
    assert snapshot(complaint) == before


def test_a_missing_field_of_an_action_is_named_and_nothing_saved(client, world, complaint):
    login(client, world.reception_a)
    client.post(act(complaint, "accept"), {"accept-accepted_on": f"{TODAY():%d/%m/%Y}"})
    login(client, world.leader)
    before = snapshot(complaint)
    page = client.post(act(complaint, "conclude"), {"conclude-result": "", "conclude-conclusion": ""}).content.decode()
    assert "Kết quả phải là" in page and "Thiếu nội dung kết luận" in page
    assert 'id="panel-conclude" open' in page
    assert snapshot(complaint) == before


def test_a_step_dated_before_receipt_is_refused(client, world):
    p = world.petition(received_on=TODAY() - dt.timedelta(days=3))
    login(client, world.reception_a)
    before = snapshot(p)
    page = client.post(act(p, "accept"), {"accept-accepted_on": f"{TODAY() - dt.timedelta(days=10):%d/%m/%Y}"}).content.decode()
    assert "không được trước ngày nhận đơn" in page
    assert snapshot(p) == before


def test_an_officer_may_not_route_a_petition(client, world, complaint):
    login(client, world.officer_a)
    before = snapshot(complaint)
    assert client.post(act(complaint, "accept"), {"accept-accepted_on": f"{TODAY():%d/%m/%Y}"}).status_code == 403
    assert client.post(act(complaint, "make_task"), {}).status_code == 403
    assert snapshot(complaint) == before


def test_an_unknown_action_is_404(client, world, complaint):
    login(client, world.reception_a)
    assert client.post(act(complaint, "reveal"), {}).status_code == 404
    assert client.get(act(complaint, "accept")).status_code == 405


def test_transfer_guide_and_archive_close_the_routing(client, world):
    login(client, world.reception_a)
    a, b, c = (world.petition(subject=f"Đơn số {i} về việc khác nhau", content=f"Nội dung riêng biệt thứ {i} của đơn.",
                              identity={"name": f"Người {i}"}) for i in range(3))
    client.post(act(a, "transfer"), {"transfer-transferred_to": "Sở Tài nguyên và Môi trường"})
    client.post(act(b, "guide"), {"guide-note": "Hướng dẫn gửi Toà án nhân dân"})
    client.post(act(c, "archive"), {"archive-reason": "no_signature"})
    states = {p.pk: p.state for p in Petition.objects.filter(pk__in=[a.pk, b.pk, c.pk])}
    assert states == {a.pk: State.TRANSFERRED, b.pk: State.GUIDED, c.pk: State.FILED}
    page = client.post(act(world.petition(subject="Thêm", identity={"name": "X"}), "transfer"), {}).content.decode()
    assert "Thiếu cơ quan có thẩm quyền nhận đơn chuyển" in page


def test_a_petition_becomes_a_task(client, world, complaint):
    login(client, world.reception_a)
    client.post(act(complaint, "accept"), {"accept-accepted_on": f"{TODAY():%d/%m/%Y}"})
    login(client, world.office)
    due = TODAY() + dt.timedelta(days=30)
    response = client.post(act(complaint, "make_task"), {
        "make_task-source_document": world.resolution.pk, "make_task-lead_unit": world.ward_a.pk,
        "make_task-lead_person": world.officer_a_person.pk, "make_task-due_date": f"{due:%d/%m/%Y}",
        "make_task-expected_result": "Trả lời công dân bằng văn bản",
        "make_task-accountable_person": world.leader_person.pk})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.task is not None and complaint.task.due_date == due
    page = client.get(detail(complaint)).content.decode()
    assert complaint.task.code in page


def test_a_task_without_its_accountable_leader_is_refused(client, world, complaint):
    login(client, world.reception_a)
    client.post(act(complaint, "accept"), {"accept-accepted_on": f"{TODAY():%d/%m/%Y}"})
    login(client, world.office)
    page = client.post(act(complaint, "make_task"), {
        "make_task-source_document": world.resolution.pk, "make_task-lead_unit": world.ward_a.pk,
        "make_task-lead_person": world.officer_a_person.pk,
        "make_task-due_date": f"{TODAY() + dt.timedelta(days=30):%d/%m/%Y}",
        "make_task-expected_result": "Trả lời công dân"}).content.decode()
    assert "rõ trách nhiệm" in page
    complaint.refresh_from_db()
    assert complaint.task is None


def test_a_second_complaint_opens_a_new_petition(client, world, complaint):
    login(client, world.reception_a)
    day = f"{TODAY():%d/%m/%Y}"
    client.post(act(complaint, "accept"), {"accept-accepted_on": day, "accept-handlers": [world.reception_a.pk]})
    client.post(act(complaint, "conclude"), {"conclude-result": "wrong", "conclude-conclusion": "Khiếu nại sai",
                                             "conclude-concluded_on": day})
    complaint.refresh_from_db()
    assert "second_complaint" in services.allowed_actions(world.reception_a, complaint)
    response = client.post(act(complaint, "second_complaint"), {
        "second_complaint-content": "Tôi không đồng ý với quyết định giải quyết lần đầu.",
        "second_complaint-receiving_unit": world.ward_a.pk, "second_complaint-received_on": day})
    second = Petition.objects.get(level=2)
    assert response.status_code == 302 and response["Location"] == detail(second)
    assert second.previous == complaint


# --- reception sessions -------------------------------------------------------------------------------------------


def test_a_session_is_recorded_and_petitions_are_received_at_it(client, world):
    login(client, world.reception_a)
    yesterday = TODAY() - dt.timedelta(days=1)
    response = client.post(reverse("petitions:session_create"), {
        "kind": "regular", "unit": world.ward_a.pk, "held_on": f"{yesterday:%d/%m/%Y}",
        "host_title": "Chủ tịch UBND phường", "place": "Trụ sở tiếp công dân phường", "citizens_count": "7",
        "matters": "Đất đai, môi trường"})
    session = ReceptionSession.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("petitions:session_detail", args=[session.pk])
    form = client.get(reverse("petitions:petition_create"), {"session": session.pk}).content.decode()
    assert f'<option value="{session.pk}" selected>' in form
    client.post(reverse("petitions:petition_create"), receive_data(
        world, session=session.pk, channel=Channel.SESSION, received_on=f"{yesterday:%d/%m/%Y}"))
    p = Petition.objects.get()
    assert p.session == session
    page = client.get(reverse("petitions:session_detail", args=[session.pk])).content.decode()
    assert p.subject in page and "Ghi đơn tại buổi tiếp này" in page
    assert "7" in client.get(reverse("petitions:session_list")).content.decode()


def test_a_session_without_place_or_host_is_refused(client, world):
    login(client, world.reception_a)
    page = client.post(reverse("petitions:session_create"), {"kind": "regular", "unit": world.ward_a.pk}).content.decode()
    assert "Thiếu địa điểm tiếp" in page and "Thiếu người chủ trì" in page
    assert not ReceptionSession.objects.exists()


def test_ward_b_cannot_open_ward_a_session(client, world):
    session = receiving.do_create_session(actor=world.reception_a, kind="regular", unit=world.ward_a,
                                         held_on=TODAY(), place="Trụ sở", host_title="Chủ tịch")
    login(client, world.officer_b)
    assert client.get(reverse("petitions:session_detail", args=[session.pk])).status_code == 404


# --- statistics ---------------------------------------------------------------------------------------------------


def test_statistics_default_to_this_year_and_offer_2021(client, world, complaint):
    old = world.petition(unit=world.ward_a_old, received_on=dt.date(2021, 3, 15), subject="Đơn 2021")
    services.do_accept(actor=world.reception_a, petition=old, on=dt.date(2021, 3, 18))
    services.do_conclude(actor=world.leader, petition=old, result="right", conclusion="Đúng", on=dt.date(2021, 4, 1))
    login(client, world.leader)
    page = client.get(reverse("petitions:petition_stats")).content.decode()
    assert f"năm {TODAY().year}" in page and '<option value="2021">2021</option>' in page
    assert "<svg" in page and "Phường Chu Văn An" in page
    page = client.get(reverse("petitions:petition_stats"), {"year": "2021"}).content.decode()
    assert "Thống kê tiếp nhận, giải quyết đơn năm 2021" in page
    assert "100%" in page  # 1 of 1 accepted resolved, on time
    page = client.get(reverse("petitions:petition_stats"), {"year": "2021", "units": "then"}).content.decode()
    assert "Phường Sao Đỏ" in page


def test_statistics_count_only_what_the_user_sees(client, world, complaint, ward_b_petition):
    login(client, world.officer_b)
    page = client.get(reverse("petitions:petition_stats")).content.decode()
    assert "Phường Chí Linh" in page and "Phường Chu Văn An" not in page


def test_the_tiles_count_every_deadline_status_as_the_rows_show_it_in_one_query(world):
    """The register's tiles: counted in one query from the same rule as each row's badge
    (`PetitionQuerySet.timing_rule`), every status counted where no earlier one holds, a
    petition with no deadline yet on track, one concluded not open."""
    from dieuhanh.core import calendar
    from dieuhanh.petitions.views import _summary

    today = TODAY()
    soon = calendar.due_soon_until(today)
    dates = [today - dt.timedelta(days=3), today - dt.timedelta(days=1), today, soon, soon + dt.timedelta(days=1),
             today + dt.timedelta(days=90), None]
    for due in dates:
        p = world.petition(subject=f"Đơn hạn {due}", content=f"Nội dung riêng của đơn có hạn {due}.")
        Petition.objects.filter(pk=p.pk).update(due_on=due)
    done = world.petition(subject="Đơn đã xong", content="Nội dung đơn đã giải quyết xong từ trước.")
    Petition.objects.filter(pk=done.pk).update(
        state=State.RESOLVED, due_on=today - dt.timedelta(days=5), received_on=today - dt.timedelta(days=20),
        concluded_on=today - dt.timedelta(days=2), resolve_due_on=today - dt.timedelta(days=4),
    )
    visible = Petition.objects.visible_to(world.leader)
    rows = list(visible)
    timings = [p.timing(today) for p in rows]
    with CaptureQueriesContext(connection) as queries:
        summary = _summary(world.leader, visible)
    assert len([q for q in queries.captured_queries if '"petitions_petition"' in q["sql"]]) == 1
    assert summary == {
        "overdue": timings.count("overdue"), "due_soon": timings.count("due_soon"),
        "open": sum(p.state in OPEN_STATES for p in rows),
        "received_today": sum(p.received_on == today for p in rows),
    }
    assert summary["overdue"] >= 2 and summary["due_soon"] >= 2 and summary["open"] > summary["overdue"] + summary["due_soon"]
    assert summary["received_today"] == len(rows) - 1
    annotated = dict(visible.with_timing(today).values_list("pk", "timing"))
    assert annotated == {p.pk: t for p, t in zip(rows, timings, strict=True)} and "late" in timings
