"""The formal documents of the directives app (core/papers): the notice of a meeting's conclusion
that assigns its tasks under the "5 rõ", with their table."""

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
from dieuhanh.directives.models import Meeting, Task
from dieuhanh.org.models import AdminUnit

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
