"""The formal documents of the directives app (core/papers): the notice of a meeting's conclusion
that assigns its tasks under the "5 rõ", with their table; the report on the implementation of
tasks of a body for a week, month, quarter or year (directives/task_report.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.core.papers import issuers
from dieuhanh.core.papers.kinds import PaperKind
from dieuhanh.core.papers.paper import Heading, Paper, Signature, Table, Text
from dieuhanh.core.templatetags.dieuhanh import group_digits, vn_money
from dieuhanh.directives import task_report as task_report_module
from dieuhanh.directives.models import Meeting, Task
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import AdminUnit, Organisation

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

CONCLUSION_NOTICE = PaperKind(
    key="thong-bao-ket-luan",
    label=gettext_lazy("Thông báo kết luận cuộc họp"),
    renders="Thông báo kết luận của một cuộc họp và bảng nhiệm vụ được giao theo 5 rõ (ID: số của cuộc họp)",
    find="dieuhanh.directives.papers.find_meeting",
    build="dieuhanh.directives.papers.conclusion_notice",
    permission=("directives", "view"),
    example="dieuhanh.directives.papers.example_meeting",
)

# The 5 rõ as the table's columns: who, what, by when, with what, to what result, under whom.
TASK_COLUMNS = ("TT", "Nhiệm vụ (rõ việc)", "Chủ trì, phối hợp (rõ người)", "Thời hạn", "Nguồn lực",
                "Kết quả cần đạt (rõ kết quả)", "Lãnh đạo phụ trách")
TASK_WIDTHS = (8.0, 40.0, 30.0, 21.0, 21.0, 27.0, 18.0)


def example_meeting(user: AnyUser | None) -> str | None:
    """The newest meeting with tasks the user may see."""
    meetings = Meeting.objects.all() if user is None else Meeting.objects.visible_to(user)
    found = meetings.filter(tasks__isnull=False).order_by("-held_on", "-id").values_list("pk", flat=True).first()
    return None if found is None else str(found)


def find_meeting(ident: str, user: AnyUser | None) -> Meeting | None:
    if not ident.strip().isdigit():
        return None
    meetings = Meeting.objects.all() if user is None else Meeting.objects.visible_to(user)
    tasks = Task.objects.select_related("lead_unit", "lead_organisation", "lead_person", "accountable_person") \
        .prefetch_related(Prefetch("coordinating_units", AdminUnit.objects.order_by("name"))).order_by("code")
    return meetings.select_related(
        "organisation__unit__parent", "organisation__parent", "chair", "conclusion__signer"
    ).prefetch_related(Prefetch("tasks", tasks)).filter(pk=int(ident)).first()


def _money(value: Any) -> str:
    """450 triệu đồng, 1.250 triệu đồng, 12.500.000 đồng: exact, in millions when it is whole
    millions (a table column is narrow; core's short form would round 1.25 tỷ to 1,3)."""
    amount = int(value)
    if amount >= 1_000_000 and amount % 1_000_000 == 0:
        return f"{group_digits(amount // 1_000_000)} triệu đồng"
    return vn_money(amount)


def _resources(task: Task) -> str:
    parts = []
    if task.budget_vnd:
        parts.append(_money(task.budget_vnd))
    if task.staff_count:
        parts.append(f"{task.staff_count} người")
    if task.resource_note:
        parts.append(task.resource_note)
    return "\n".join(parts) or "Nguồn lực hiện có"


def task_row(index: int, task: Task) -> tuple[str, ...]:
    lead = task.lead_organisation.name if task.lead_organisation else task.lead_unit.name
    if task.lead_person_id:
        lead += f" (đồng chí {task.lead_person.full_name})"
    coordinating = [unit.name for unit in task.coordinating_units.all()]
    if coordinating:
        lead += "\nPhối hợp: " + ", ".join(coordinating)
    return (str(index), task.title, lead, f"{task.due_date:%d/%m/%Y}", _resources(task), task.expected_result,
            task.accountable_person.full_name if task.accountable_person_id else "")


def _position(person: Any, organisation: Any, day: dt.date, default: str) -> str:
    if person is None:
        return default
    held = person.positions_on(day).filter(position__organisation=organisation).first()
    return held.position.title if held else default


def conclusion_notice(meeting: Meeting, user: AnyUser | None) -> Paper:
    organisation = meeting.organisation
    party = issuers.is_party(organisation)
    document = meeting.conclusion
    day = document.issued_on if document else None
    signer = (document.signer if document and document.signer_id else None) or meeting.chair
    on = day or timezone.localdate()
    position = _position(signer, organisation, on, "Bí thư" if party else "Chủ tịch").upper()
    authority = issuers.signing_lines(organisation, position)
    tasks = list(meeting.tasks.all())
    chaired = f", do đồng chí {meeting.chair.full_name} chủ trì" if meeting.chair else ""
    body: list[Any] = [Text(f"Ngày {meeting.held_on:%d/%m/%Y}, {organisation.name} tổ chức {meeting.title}{chaired}. "
                            f"Sau khi nghe báo cáo và ý kiến tham gia, hội nghị kết luận như sau:")]
    for paragraph in filter(None, (line.strip() for line in meeting.summary.splitlines())):
        if not document or paragraph != document.title:  # a summary that only repeats the subject
            body.append(Text(paragraph))
    if tasks:
        body.append(Heading(f"Giao {len(tasks)} nhiệm vụ"))
        body.append(Text("Các cơ quan, đơn vị, cá nhân được giao thực hiện các nhiệm vụ dưới đây: rõ người, rõ việc, "
                         "rõ thời gian, rõ trách nhiệm, rõ kết quả; báo cáo tiến độ theo quy định đến khi hoàn thành."))
        body.append(Table(TASK_COLUMNS, tuple(task_row(i, t) for i, t in enumerate(tasks, start=1)), TASK_WIDTHS,
                          align=("center", "left", "left", "center", "left", "left", "left"), size=11))
    body.append(Text(f"{organisation.name} thông báo để các cơ quan, đơn vị, cá nhân biết, thực hiện./."))
    leads = dict.fromkeys(t.lead_organisation.name if t.lead_organisation else t.lead_unit.name for t in tasks)
    recipients = ("Thường trực Đảng uỷ" if party else "Chủ tịch, các Phó Chủ tịch", *leads)
    return Paper(
        format="party" if party else "state",
        issuer=issuers.issuer(organisation),
        place=issuers.place(organisation),
        kind="TB",
        kind_title="THÔNG BÁO",
        subject=document.title if document else f"Kết luận {meeting.title[:1].lower()}{meeting.title[1:]}",
        body=tuple(body),
        signatures=(Signature(position=position, name=signer.full_name if signer else "", authority=authority),),
        number=document.number if document else None,
        day=day,
        year=meeting.held_on.year,
        recipients=recipients,
        archive="Văn phòng Đảng uỷ" if party else "VT, VP",
        keywords=("thông báo kết luận", *(t.code for t in tasks)),
    )


# --- the report on the implementation of tasks ------------------------------------------------

TASK_REPORT = PaperKind(
    key="bao-cao-nhiem-vu",
    label=gettext_lazy("Báo cáo kết quả thực hiện nhiệm vụ"),
    renders="Báo cáo kết quả thực hiện nhiệm vụ của một cơ quan trong tuần, tháng, quý hoặc năm "
            "(ID: số của cơ quan/kỳ, ví dụ 59/2026-11, 59/2026-W49, 59/2026-Q4, 59/2026)",
    find="dieuhanh.directives.papers.find_report",
    build="dieuhanh.directives.papers.task_report",
    permission=("directives", "view"),
    ident="cơ quan/kỳ",
    example="dieuhanh.directives.papers.example_report",
    organisation="dieuhanh.directives.papers.report_organisation",
)
REPORT_KINDS = (OrganisationKind.PEOPLES_COMMITTEE, OrganisationKind.PARTY_COMMITTEE)


def report_bodies(user: AnyUser | None) -> Any:
    """The committees whose reports the user may have: those of the units where they read tasks."""
    from dieuhanh.core import access

    qs = Organisation.objects.filter(kind__in=REPORT_KINDS).select_related("unit", "parent")
    if user is None:
        return qs
    units = access.units(user, "directives", "view")
    return qs if units is None else qs.filter(unit_id__in=units)


def report_organisation(r: task_report_module.TaskReport) -> Organisation:
    return r.organisation


def example_report(user: AnyUser | None) -> str | None:
    body = report_bodies(user).filter(valid_to__isnull=True).order_by("unit__code", "kind", "id").first()
    if body is None:
        return None
    return f"{body.pk}/{task_report_module.period_of('month', timezone.localdate()).code}"


def find_report(ident: str, user: AnyUser | None) -> task_report_module.TaskReport | None:
    body_id, _, code = ident.strip().partition("/")
    period = task_report_module.from_code(code)
    if not body_id.isdigit() or period is None:
        return None
    body = report_bodies(user).filter(pk=int(body_id)).first()
    if body is None:
        return None
    return task_report_module.report(body, period, user)


def _task_rows(tasks: list[Task], columns: Any) -> tuple[tuple[str, ...], ...]:
    return tuple((str(i), *(column(t) for column in columns)) for i, t in enumerate(tasks[: task_report_module.MAX_ROWS], 1))


def _more(tasks: list[Task], what: str) -> list[Any]:
    extra = len(tasks) - task_report_module.MAX_ROWS
    return [Text(f"(Và {what} khác, xem danh sách trên phần mềm.)", italic=True, indent=False)] if extra > 0 else []


def _lead(task: Task) -> str:
    return task.lead_organisation.name if task.lead_organisation is not None else task.lead_unit.name


def task_report(r: task_report_module.TaskReport, user: AnyUser | None) -> Paper:
    org = r.organisation
    party = issuers.is_party(org)
    p = r.period
    running = r.as_of < p.end
    rate = f"{r.on_time_rate:.1f}".replace(".", ",") + "%" if r.on_time_rate is not None else "—"
    as_of = f" (số liệu đến ngày {r.as_of:%d/%m/%Y})" if running else ""
    body: list[Any] = [
        Text(f"Thực hiện chế độ báo cáo định kỳ, {org.name} báo cáo kết quả thực hiện các nhiệm vụ được giao "
             f"{p.words}{as_of} như sau:"),
        Heading("I. TÌNH HÌNH CHUNG"),
        Table(("Nội dung", "Số nhiệm vụ"), (
            ("Nhiệm vụ thực hiện trong kỳ", group_digits(r.total)),
            ("Trong đó: giao mới trong kỳ", group_digits(r.new)),
            ("Hoàn thành trong kỳ", group_digits(r.done)),
            ("Trong đó: hoàn thành đúng hạn", f"{group_digits(r.done_on_time)} ({rate})"),
            ("Huỷ trong kỳ", group_digits(r.cancelled)),
            ("Chưa hoàn thành đến cuối kỳ", group_digits(r.open_at_end)),
            ("Trong đó: quá hạn", group_digits(r.overdue_at_end)),
        ), (120.0, 45.0), align=("left", "center"), bold_rows=frozenset({0})),
        Heading("II. KẾT QUẢ THỰC HIỆN"),
        Heading("1. Nhiệm vụ hoàn thành trong kỳ"),
    ]
    if r.completed:
        body.append(Table(("TT", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Hoàn thành"), _task_rows(r.completed, (
            lambda t: f"{t.title} ({t.code})", _lead, lambda t: f"{t.due_date:%d/%m/%Y}",
            lambda t: f"{t.completed_on:%d/%m/%Y}" + ("" if t.completed_on and t.completed_on <= t.due_date else " (quá hạn)"),
        )), (10.0, 70.0, 40.0, 22.0, 23.0), align=("center", "left", "left", "center", "center"), size=11))
        body += _more(r.completed, f"{r.done - task_report_module.MAX_ROWS} nhiệm vụ")
    else:
        body.append(Text("Trong kỳ không có nhiệm vụ hoàn thành."))
    body.append(Heading("2. Nhiệm vụ quá hạn, chưa hoàn thành"))
    if r.overdue:
        body.append(Table(("TT", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Số ngày quá hạn", "Lãnh đạo phụ trách"),
                          _task_rows(r.overdue, (
                              lambda t: f"{t.title} ({t.code}); tiến độ {t.progress_percent}%", _lead,
                              lambda t: f"{t.due_date:%d/%m/%Y}", lambda t: str((r.as_of - t.due_date).days),
                              lambda t: t.accountable_person.full_name if t.accountable_person_id else "",
                          )), (10.0, 60.0, 33.0, 20.0, 17.0, 25.0),
                          align=("center", "left", "left", "center", "center", "left"), size=11))
        body += _more(r.overdue, f"{r.overdue_at_end - task_report_module.MAX_ROWS} nhiệm vụ quá hạn")
    else:
        body.append(Text("Không có nhiệm vụ quá hạn."))
    body.append(Heading("III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT"))
    if r.problems:
        for rep in r.problems:
            said = "; ".join(x for x in (rep.obstacles.strip(), rep.proposals.strip() and f"đề xuất: {rep.proposals.strip()}") if x)
            body.append(Text(f"- {rep.task.title} ({rep.task.code}, {rep.task.lead_unit.name}): {said}", indent=False))
    else:
        body.append(Text("Các đơn vị không báo cáo khó khăn, vướng mắc trong kỳ."))
    nxt = p.next()
    body.append(Heading(f"IV. NHIỆM VỤ ĐẾN HẠN {nxt.words.upper()}"))
    if r.coming:
        body.append(Table(("TT", "Nhiệm vụ", "Chủ trì", "Thời hạn", "Tiến độ"), _task_rows(r.coming, (
            lambda t: f"{t.title} ({t.code})", _lead, lambda t: f"{t.due_date:%d/%m/%Y}", lambda t: f"{t.progress_percent}%",
        )), (10.0, 75.0, 40.0, 22.0, 18.0), align=("center", "left", "left", "center", "center"), size=11))
        body += _more(r.coming, "nhiệm vụ")
    else:
        body.append(Text("Không có nhiệm vụ đến hạn trong kỳ tới."))
    body.append(Text(f"Trên đây là báo cáo kết quả thực hiện nhiệm vụ {p.words} của {org.name}./."))
    sign = issuers.signing(org, r.as_of)
    return Paper(
        format=sign.format,
        issuer=sign.issuer,
        place=sign.place,
        kind="BC",
        kind_title="BÁO CÁO",
        subject=f"Kết quả thực hiện nhiệm vụ {p.words}",
        body=tuple(body),
        signatures=(sign.signature,),
        number=None,
        day=None,
        year=p.end.year if not running else r.as_of.year,
        recipients=("Thường trực cấp uỷ" if party else "Thường trực HĐND, UBND", "Các đơn vị chủ trì"),
        archive="Văn phòng" if party else "VT, VP",
        keywords=("báo cáo", "nhiệm vụ", p.code),
    )
