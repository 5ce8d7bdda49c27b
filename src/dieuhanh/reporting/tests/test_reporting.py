"""Committee members' periodic reports: who follows what, a report once per period, the leader's
answer and the notice to the member, who may read what, the office's overview and its .xlsx."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from dieuhanh.core.models import AuditEvent
from dieuhanh.directives import cycle
from dieuhanh.notifications.models import Notification
from dieuhanh.org.choices import AssignmentKind
from dieuhanh.org.models import Assignment, Person, Position, User
from dieuhanh.reporting.models import FollowAssignment, MemberReport
from dieuhanh.reporting.services import (
    do_answer_member_report,
    do_assign_follow,
    do_end_follow,
    do_submit_member_report,
)
from dieuhanh.testing import PASSWORD, signed_in

D = dt.date
START = D(2026, 1, 5)
W18 = "2026-W18"  # 27/4–3/5/2026, due 29/4 (read on the calendar inside each test)


@pytest.fixture
def members(world):
    """Two members of the city committee (a post of its leadership) with logins and no role, and a
    staff officer recorded under the committee who is no member."""
    member_post = Position.objects.create(organisation=world.party_committee, title="Thành uỷ viên", is_leadership=True)
    staff_post = Position.objects.create(organisation=world.party_committee, title="Chuyên viên")
    out = {}
    for key, name, post in (("m1", "Nguyễn Văn Uỷ", member_post), ("m2", "Trần Thị Viên", member_post),
                            ("staff", "Lê Văn Chuyên", staff_post)):
        person = Person.objects.create(full_name=name)
        Assignment.objects.create(person=person, position=post, kind=AssignmentKind.ELECTED, start_date=D(2025, 1, 1))
        out[key] = User.objects.create_user(username=f"capuy_{key}", password=PASSWORD, person=person)
    return out


def _assign(world, user, **kw):
    fields = {"member": user.person, "committee": world.party_committee, "area": world.ward_a, "start_date": START}
    fields.update(kw)
    return do_assign_follow(actor=world.office, **fields)


def _send(user, period=W18, **kw):
    period = cycle.from_code(period) if isinstance(period, str) else period
    fields = {"situation": "Dự sinh hoạt chi bộ khu dân cư; tình hình ổn định.", "submitted_on": period.start + dt.timedelta(days=1)}
    fields.update(kw)
    return do_submit_member_report(actor=user, period=period, **fields)


# --- who follows what ----------------------------------------------------------------------------


def test_the_office_assigns_a_member_to_an_area_and_a_field(world, members):
    events = AuditEvent.objects.count()
    a = _assign(world, members["m1"], field="economy", note="Dự án đường trục")
    assert a.followed == "Phường Chu Văn An · Kinh tế, ngân sách"
    assert AuditEvent.objects.count() == events + 1
    with pytest.raises(ValidationError) as exc:
        _assign(world, members["staff"])
    assert "không phải cấp uỷ viên" in exc.value.message_dict["member"][0]
    with pytest.raises(ValidationError) as exc:
        _assign(world, members["m2"], area=None, field="")
    assert "ít nhất một" in exc.value.message_dict["area"][0]
    with pytest.raises(ValidationError) as exc:
        _assign(world, members["m1"], field="economy", note="")  # the same, overlapping
    assert "đã được phân công" in exc.value.message_dict["member"][0]
    with pytest.raises(PermissionDenied):
        do_assign_follow(actor=world.officer_a, member=members["m2"].person, committee=world.party_committee,
                         area=world.ward_a, start_date=START)
    with pytest.raises(PermissionDenied):  # leaders answer; the office assigns
        do_assign_follow(actor=world.leader, member=members["m2"].person, committee=world.party_committee,
                         area=world.ward_a, start_date=START)
    ended = do_end_follow(actor=world.office, assignment=a, end_date=D(2026, 6, 30))
    assert ended.end_date == D(2026, 6, 30)


def test_the_assignment_page_sets_and_refuses(world, members):
    office = signed_in(world.office)
    response = office.post("/bao-cao-dinh-ky/phan-cong/", {
        "committee": world.party_committee.pk, "member": members["m1"].person.pk, "area": world.ward_b.pk,
        "field": "social", "start_date": "05/01/2026",
    })
    assert response.status_code == 302
    assert FollowAssignment.objects.get().area == world.ward_b
    refused = office.post("/bao-cao-dinh-ky/phan-cong/", {"committee": world.party_committee.pk, "start_date": "05/01/2026"})
    assert refused.status_code == 200 and "Chọn cấp uỷ viên được phân công." in refused.content.decode()
    assert signed_in(world.officer_a).get("/bao-cao-dinh-ky/phan-cong/").status_code == 403
    assert signed_in(world.leader).get("/bao-cao-dinh-ky/phan-cong/").status_code == 403


# --- a member's report ------------------------------------------------------------------------------


def test_a_member_reports_once_per_period(world, members):
    _assign(world, members["m1"])
    report = _send(members["m1"], obstacles="Thiếu kinh phí", proposals="")
    assert (report.kind, report.period_start, report.period_end, report.due_on) == ("weekly", D(2026, 4, 27), D(2026, 5, 3), D(2026, 4, 29))
    assert not report.late
    with pytest.raises(ValidationError) as exc:
        _send(members["m1"])
    assert "đã gửi báo cáo tuần 27/04–03/05/2026 ngày 28/04/2026" in exc.value.message_dict["period"][0]
    assert MemberReport.objects.count() == 1
    monthly = _send(members["m1"], period=cycle.from_code("2026-04"), submitted_on=D(2026, 5, 4))
    assert monthly.late  # April was due on 29/4
    with pytest.raises(PermissionDenied):
        _send(members["m2"])  # follows nothing
    with pytest.raises(ValidationError) as exc:
        _send(members["m1"], period=cycle.from_code("2026-W19"), situation=" ")
    assert "Thiếu tình hình" in exc.value.message_dict["situation"][0]
    future = cycle.period_of("weekly", timezone.localdate() + dt.timedelta(days=14))
    with pytest.raises(ValidationError) as exc:
        _send(members["m1"], period=future, submitted_on=timezone.localdate())
    assert "chưa bắt đầu" in exc.value.message_dict["period"][0]


def test_the_member_sends_from_their_page(world, members):
    _assign(world, members["m1"])
    client = signed_in(members["m1"])
    page = client.get("/bao-cao-dinh-ky/cua-toi/")
    assert page.status_code == 200
    code = cycle.period_of("weekly", timezone.localdate()).code
    sent = client.post("/bao-cao-dinh-ky/cua-toi/", {"period": code, "situation": "Tình hình ổn định."})
    assert sent.status_code == 302
    again = client.post("/bao-cao-dinh-ky/cua-toi/", {"period": code, "situation": "Thêm việc."})
    assert again.status_code == 200 and "mỗi kỳ chỉ một báo cáo" in again.content.decode()
    bad = client.post("/bao-cao-dinh-ky/cua-toi/", {"period": "tuần sau", "situation": "x"})
    assert bad.status_code == 200 and "Chọn kỳ báo cáo" in bad.content.decode()
    assert signed_in(world.officer_a).get("/bao-cao-dinh-ky/cua-toi/").status_code == 403
    home = client.get("/").content.decode()
    assert "Báo cáo định kỳ của đồng chí" in home


# --- who reads it -----------------------------------------------------------------------------------


def test_the_office_leaders_and_the_member_read_a_report_and_no_ward_officer_does(world, members):
    _assign(world, members["m1"])
    report = _send(members["m1"])
    url = f"/bao-cao-dinh-ky/{report.pk}/"
    for user in (world.office, world.leader, members["m1"], world.admin):
        assert MemberReport.objects.visible_to(user).filter(pk=report.pk).exists(), user
        assert signed_in(user).get(url).status_code == 200, user
    for user in (world.officer_a, world.officer_b, world.inspector, world.reception_a, world.outsider, members["m2"]):
        assert not MemberReport.objects.visible_to(user).exists(), user
        assert signed_in(user).get(url).status_code == 404, user
    for user in (world.officer_a, world.inspector, members["m1"]):
        assert signed_in(user).get("/bao-cao-dinh-ky/").status_code == 403, user


# --- the leader's answer -------------------------------------------------------------------------------


def test_the_leader_answers_a_proposal_and_the_member_is_told(world, members):
    _assign(world, members["m1"])
    report = _send(members["m1"], proposals="Đề nghị bố trí kinh phí sửa nhà văn hoá")
    told = Notification.objects.get(key=f"reporting.proposal:{report.pk}")
    assert told.recipient == world.leader
    assert signed_in(world.office).post(f"/bao-cao-dinh-ky/{report.pk}/cho-y-kien/", {"response": "Đồng ý"}).status_code == 403
    leader = signed_in(world.leader)
    empty = leader.post(f"/bao-cao-dinh-ky/{report.pk}/cho-y-kien/", {"response": ""})
    assert empty.status_code == 200 and "Thiếu ý kiến của lãnh đạo." in empty.content.decode()
    answered = leader.post(f"/bao-cao-dinh-ky/{report.pk}/cho-y-kien/", {"response": "Giao UBND phường cân đối nguồn"})
    assert answered.status_code == 302
    report.refresh_from_db()
    assert report.answered_by == world.leader and not report.waiting
    notice = Notification.objects.get(key=f"reporting.answered:{report.pk}")
    assert notice.recipient == members["m1"] and notice.body == "Giao UBND phường cân đối nguồn"
    with pytest.raises(ValidationError):
        do_answer_member_report(actor=world.leader, report=report, response="Lần nữa")
    plain = _send(members["m1"], period=cycle.from_code("2026-W19"))
    with pytest.raises(ValidationError):
        do_answer_member_report(actor=world.leader, report=plain, response="?")


def test_a_member_who_leads_does_not_answer_their_own_proposal(world, members):
    from dieuhanh.org.models import RoleGrant

    RoleGrant.objects.create(user=members["m1"], role="leader", unit=world.city)
    _assign(world, members["m1"])
    report = _send(members["m1"], proposals="Đề nghị bổ sung biên chế")
    assert not Notification.objects.filter(key=f"reporting.proposal:{report.pk}", recipient=members["m1"]).exists()
    with pytest.raises(PermissionDenied):
        do_answer_member_report(actor=members["m1"], report=report, response="Tự đồng ý")


# --- the office's overview ---------------------------------------------------------------------------------


def test_the_office_sees_who_has_not_reported_and_exports_it(world, members):
    _assign(world, members["m1"])
    _assign(world, members["m2"], area=None, field="social")
    _send(members["m1"])
    client = signed_in(world.office)
    page = client.get("/bao-cao-dinh-ky/?ky=2026-W18")
    assert page.status_code == 200
    states = {r.member.full_name: r.state for r in page.context["rows"]}
    assert states == {"Nguyễn Văn Uỷ": "sent", "Trần Thị Viên": "missing"}
    assert page.context["counts"]["missing"] == 1 and page.context["counts"]["owed"] == 2
    picked = client.get("/bao-cao-dinh-ky/?loai=monthly&ngay=15/04/2026")
    assert picked.context["period"].code == "2026-04"
    assert client.get("/bao-cao-dinh-ky/?ky=rubbish&loai=daily&ngay=x").status_code == 200
    # Assigned in a period: that period is free.
    early = client.get("/bao-cao-dinh-ky/?ky=2026-W02")
    assert {r.state for r in early.context["rows"]} == {"free"}
    response = client.get("/bao-cao-dinh-ky/xuat-excel/?ky=2026-W18")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Cấp uỷ viên", "Cấp uỷ", "Địa bàn, lĩnh vực phụ trách")
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Trần Thị Viên"][6] == "Chưa báo cáo, quá hạn"
    assert by_name["Nguyễn Văn Uỷ"][5].date() == D(2026, 4, 28)
    assert signed_in(world.officer_a).get("/bao-cao-dinh-ky/xuat-excel/").status_code == 403


def test_the_demo_city_has_members_reports(demo, db):
    from dieuhanh.org.models import User as U

    office = U.objects.get(username="vanphong")
    rows = signed_in(office).get("/bao-cao-dinh-ky/").context["rows"]
    assert rows and MemberReport.objects.exists() and MemberReport.objects.waiting().exists()
    assert U.objects.filter(username="capuy").exists()


def test_the_pages_read_in_english(demo, db):
    """The app's own catalogue translates its pages (data, names and reports' text set aside)."""
    from dieuhanh.core.tests.test_english_pages import _own_words
    from dieuhanh.org.models import User as U
    from dieuhanh.testing import in_english

    report = MemberReport.objects.waiting().first()
    pages = {
        "vanphong": ["/bao-cao-dinh-ky/", "/bao-cao-dinh-ky/?loai=monthly", "/bao-cao-dinh-ky/phan-cong/"],
        "bithu": [report.get_absolute_url()],
        "capuy": ["/bao-cao-dinh-ky/cua-toi/", "/"],
    }
    worst = []
    for username, urls in pages.items():
        client = in_english(signed_in(U.objects.get(username=username)))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            words, vietnamese = _own_words(response.content.decode())
            if username == "capuy" and url == "/":
                continue  # the dashboard's other panels belong to other catalogues' tests
            if len(vietnamese) > 0.03 * max(len(words), 1):
                worst.append((url, sorted(set(vietnamese))[:20]))
    assert not worst


def test_the_leaders_digest_counts_the_proposals_its_link_lists(world, members):
    from dieuhanh.notifications import digest

    _assign(world, members["m1"])
    report = _send(members["m1"], proposals="Đề nghị bổ sung kinh phí")
    _send(members["m1"], period="2026-W19")  # no proposal
    (figure,) = [f for f in digest.figures_for(world.leader, D(2026, 5, 4)) if f.url.startswith("/bao-cao-dinh-ky/")]
    assert figure.count == 1 and figure.words == "1 kiến nghị của cấp uỷ viên chờ ý kiến"
    page = signed_in(world.leader).get(figure.url).content.decode()
    assert page.count("data-waiting=") == 1 and f'data-waiting="{report.pk}"' in page
    assert not [f for f in digest.figures_for(world.office, D(2026, 5, 4)) if f.url.startswith("/bao-cao-dinh-ky/")]


# --- API ---------------------------------------------------------------------------------------------


def test_the_api_sends_reads_answers_and_tells_who_has_not_reported(world, members):
    from dieuhanh.testing import bearer, post_json

    _assign(world, members["m1"])
    _assign(world, members["m2"], area=None, field="social")
    member = bearer(members["m1"])
    code = cycle.period_of("weekly", timezone.localdate()).code
    sent = post_json(member, "/api/v1/member-reports", {"period": code, "situation": "Ổn định.", "proposals": "Xin kinh phí"})
    assert sent.status_code == 201, sent.json()
    body = sent.json()
    assert body["period"] == code and body["waiting"] is True
    again = post_json(member, "/api/v1/member-reports", {"period": code, "situation": "Lần hai"})
    assert again.status_code == 422 and "mỗi kỳ chỉ một báo cáo" in again.json()["errors"]["period"][0]
    assert post_json(member, "/api/v1/member-reports", {"period": "tuần này", "situation": "x"}).status_code == 422
    assert post_json(bearer(world.officer_a), "/api/v1/member-reports", {"period": code, "situation": "x"}).status_code == 403
    rid = body["id"]
    assert bearer(world.officer_a).get(f"/api/v1/member-reports/{rid}").status_code == 404
    assert bearer(world.officer_a).get("/api/v1/member-reports").json()["count"] == 0
    assert bearer(world.office).get(f"/api/v1/member-reports?period={code}&waiting=true").json()["count"] == 1
    assert post_json(bearer(world.office), f"/api/v1/member-reports/{rid}/answer", {"response": "Đồng ý"}).status_code == 403
    answered = post_json(bearer(world.leader), f"/api/v1/member-reports/{rid}/answer", {"response": "Đồng ý"})
    assert answered.status_code == 200 and answered.json()["leader_response"] == "Đồng ý"
    status = bearer(world.office).get("/api/v1/member-reports/status?period=2026-W18").json()
    assert status["due"] == "2026-04-29" and status["counts"]["missing"] == 2
    assert {m["state"] for m in status["members"]} == {"missing"}
    assert bearer(world.officer_a).get("/api/v1/member-reports/status").status_code == 403
