"""The documents of inspection and discipline (core/papers), in the party's format (Hướng dẫn
36-HD/VPTW): the decision to inspect or supervise, the notice of conclusion to the subject, and
the discipline decision. They are made from the case, with no retyping, for those who read the
case (the app's confidential `view`); they are not numbered through the shared outgoing register,
which the office reads: the number is the one entered on the case (`decision_number`,
`notice_number`), written by the commission's own clerk."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from dieuhanh.core.papers import issuers
from dieuhanh.core.papers.kinds import PaperKind
from dieuhanh.core.papers.paper import Heading, Paper, Table, Text
from dieuhanh.inspection import rules
from dieuhanh.inspection.choices import CONCLUDED_STATES, Body, DisciplineState, Form, SubjectType
from dieuhanh.inspection.models import Discipline, Inspection

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

P = "dieuhanh.inspection.papers."
DECISION = PaperKind("quyet-dinh-kiem-tra", gettext_lazy("Quyết định kiểm tra, giám sát"),
                     "Quyết định kiểm tra hoặc giám sát của cấp uỷ, uỷ ban kiểm tra (ID: số hồ sơ kiểm tra)",
                     P + "find_inspection", P + "decision", ("inspection", "view"), example=P + "example_decision")
CONCLUSION_NOTICE = PaperKind("thong-bao-ket-luan-kiem-tra", gettext_lazy("Thông báo kết luận kiểm tra, giám sát"),
                              "Thông báo kết luận đến đối tượng của một cuộc kiểm tra, giám sát đã kết luận (ID: số hồ sơ)",
                              P + "find_concluded", P + "conclusion_notice", ("inspection", "view"),
                              example=P + "example_notice")
DISCIPLINE_DECISION = PaperKind("quyet-dinh-ky-luat", gettext_lazy("Quyết định thi hành kỷ luật"),
                                "Quyết định thi hành kỷ luật tổ chức đảng, đảng viên (ID: số hồ sơ kỷ luật)",
                                P + "find_discipline", P + "discipline_decision", ("inspection", "view"),
                                example=P + "example_discipline")
NUMBER = re.compile(r"^\s*(\d+)")


def _inspections(user: AnyUser | None) -> Any:
    qs = Inspection.objects.all() if user is None else Inspection.objects.visible_to(user)
    return qs.select_related("organisation__unit__parent", "organisation__parent", "subject_org", "subject_person",
                             "team_lead")


def _disciplines(user: AnyUser | None) -> Any:
    qs = Discipline.objects.all() if user is None else Discipline.objects.visible_to(user)
    return qs.select_related("organisation__unit__parent", "organisation__parent", "subject_org", "subject_person")


def find_inspection(ident: str, user: AnyUser | None) -> Inspection | None:
    """An inspection the user reads (the command line: the operator, who holds the database)."""
    return _inspections(user).filter(pk=int(ident)).first() if ident.strip().isdigit() else None


def find_concluded(ident: str, user: AnyUser | None) -> Inspection | None:
    found = find_inspection(ident, user)
    return found if found is not None and found.state in CONCLUDED_STATES else None


def find_discipline(ident: str, user: AnyUser | None) -> Discipline | None:
    found = _disciplines(user).filter(pk=int(ident)).first() if ident.strip().isdigit() else None
    return found if found is not None and found.state in (DisciplineState.DECIDED, DisciplineState.DELIVERED) else None


def example_decision(user: AnyUser | None) -> str | None:
    found = _inspections(user).order_by("-decided_on", "-id").values_list("pk", flat=True).first()
    return None if found is None else str(found)


def example_notice(user: AnyUser | None) -> str | None:
    found = _inspections(user).filter(state__in=CONCLUDED_STATES).order_by("-decided_on", "-id").values_list(
        "pk", flat=True).first()
    return None if found is None else str(found)


def example_discipline(user: AnyUser | None) -> str | None:
    found = _disciplines(user).filter(state__in=(DisciplineState.DECIDED, DisciplineState.DELIVERED)).order_by(
        "-decided_on", "-id").values_list("pk", flat=True).first()
    return None if found is None else str(found)


def _number(text: str) -> str | None:
    m = NUMBER.match(text or "")
    return m.group(1) if m else None


def _subject_words(case: Any) -> str:
    if case.subject_type == SubjectType.ORGANISATION:
        return case.subject_name
    status = "đảng viên dự bị" if case.subject_type == SubjectType.PROBATIONARY else "đảng viên"
    return f"{status} {case.subject_name}"


def _basis(org: Any) -> list[Any]:
    body = [Text("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;")]
    body.append(Text("- Căn cứ Quy định của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và kỷ luật của Đảng;"))
    body.append(Text(f"- Căn cứ Quy chế làm việc của {org.name};"))
    return body


def _frame(case: Any, *, kind: str, title: str, subject: str, body: list[Any], number: str | None, day: Any,
           recipients: tuple[str, ...]) -> Paper:
    org = case.organisation
    sign = issuers.signing(org, day or timezone.localdate())
    return Paper(format="party", issuer=sign.issuer, place=sign.place, kind=kind, kind_title=title, subject=subject,
                 body=tuple(body), signatures=(sign.signature,), number=number, day=day,
                 year=(day or timezone.localdate()).year, recipients=recipients)


def decision(i: Inspection, user: AnyUser | None) -> Paper:
    """The decision to inspect or supervise: its basis, the subject, the content and the period
    reviewed, the schedule, the team and who carries it out."""
    org = i.organisation
    what = "giám sát" if i.is_supervision else "kiểm tra"
    Team = "Đoàn giám sát" if i.is_supervision else "Đoàn kiểm tra"
    deciding = "BAN THƯỜNG VỤ" if i.body == Body.STANDING else org.name.upper()
    body: list[Any] = [Heading(deciding, center=True), *_basis(org)]
    if i.planned_item_id:
        body.append(Text(f"- Căn cứ Chương trình kiểm tra, giám sát năm {i.planned_item.year if i.planned_item else ''};"))
    body.append(Text(f"- Xét đề nghị của bộ phận tham mưu về công tác {what},"))
    body.append(Text("QUYẾT ĐỊNH", bold=True, align="center", indent=False))
    article1 = f"Điều 1. {i.get_kind_display()} đối với {_subject_words(i)} về {i.content.rstrip('.')}."
    body.append(Text(article1))
    if i.reviewed_from and i.reviewed_to:
        body.append(Text(f"Thời kỳ {what}: từ ngày {i.reviewed_from:%d/%m/%Y} đến ngày {i.reviewed_to:%d/%m/%Y}."))
    body.append(Text(f"Thời gian tiến hành: từ ngày {i.starts_on:%d/%m/%Y} đến ngày {i.ends_on:%d/%m/%Y}."))
    body.append(Text(f"Điều 2. Thành lập {Team} gồm các đồng chí có tên sau:"))
    rows = [("1", i.team_lead.full_name, "Trưởng đoàn")]
    rows += [(str(n), p.full_name, "Thành viên") for n, p in enumerate(i.team.all(), start=2)]
    body.append(Table(headers=("TT", "Họ và tên", "Nhiệm vụ trong đoàn"), rows=tuple(rows), widths=(12, 95, 58),
                      align=("center", "left", "left")))
    body.append(Text(f"{Team} có trách nhiệm xây dựng kế hoạch, tiến hành {what} theo quy định; {_subject_words(i)} "
                     f"có trách nhiệm báo cáo, giải trình, cung cấp đầy đủ, trung thực thông tin, tài liệu theo yêu cầu."))
    body.append(Text(f"Điều 3. {Team}, {_subject_words(i)} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành "
                     "Quyết định này./."))
    return _frame(i, kind="QĐ", title="QUYẾT ĐỊNH", subject=f"{what.capitalize()} đối với {_subject_words(i)}",
                  body=body, number=_number(i.decision_number), day=i.decided_on,
                  recipients=("Như Điều 3", "Thường trực cấp uỷ", f"Lưu hồ sơ {what}"))


def conclusion_notice(i: Inspection, user: AnyUser | None) -> Paper:
    """The notice of conclusion to the subject: the conclusion, the shortcomings and breaches found,
    and what the subject must put right (a draft, with no number or date, until it is notified)."""
    what = "giám sát" if i.is_supervision else "kiểm tra"
    decision_words = f"Quyết định số {i.decision_number}" if i.decision_number else "quyết định"
    body: list[Any] = [
        Text(f"Thực hiện {decision_words} ngày {i.decided_on:%d/%m/%Y} của {i.organisation.name} về {what} đối với "
             f"{_subject_words(i)}, từ ngày {i.starts_on:%d/%m/%Y} đến ngày {i.ends_on:%d/%m/%Y}, "
             f"{'Đoàn giám sát' if i.is_supervision else 'Đoàn kiểm tra'} đã tiến hành {what}. Trên cơ sở báo cáo kết "
             f"quả {what}, ngày {i.concluded_on:%d/%m/%Y}, {i.organisation.name} kết luận như sau:"),
        Heading(f"1. Kết luận chung: {str(i.get_verdict_display()).lower()}"),
        Text(i.conclusion.strip()),
    ]
    findings = list(i.findings.all())
    if findings:
        body.append(Heading("2. Hạn chế, khuyết điểm, vi phạm"))
        body += [Text(f"- {f.text.strip()}{' (vi phạm)' if f.breach else ''}") for f in findings]
        body.append(Heading("3. Yêu cầu"))
        body.append(Text(f"{_subject_words(i).capitalize()} nghiêm túc tiếp thu, xây dựng kế hoạch khắc phục các hạn chế, "
                         f"khuyết điểm nêu trên và báo cáo kết quả về {i.organisation.name}."))
    return _frame(i, kind="TB", title="THÔNG BÁO", subject=f"Kết luận {what} đối với {_subject_words(i)}", body=body,
                  number=_number(i.notice_number), day=i.notified_on,
                  recipients=(_subject_words(i).capitalize(), "Thường trực cấp uỷ", f"Lưu hồ sơ {what}"))


def discipline_decision(d: Discipline, user: AnyUser | None) -> Paper:
    """The discipline decision: its basis, the violation, the form (one that applies to the subject,
    Điều lệ Art 35), when it takes effect, and the period to appeal (the rule table)."""
    org = d.organisation
    deciding = "BAN THƯỜNG VỤ" if d.body == Body.STANDING else org.name.upper()
    form = str(Form(d.form).label).lower() if d.form else ""
    body: list[Any] = [Heading(deciding, center=True), *_basis(org)]
    body.append(Text(f"- Xét nội dung vi phạm của {_subject_words(d)}: {d.violation.strip().rstrip('.')};"))
    if d.reason.strip():
        body.append(Text(f"- Xét tính chất, mức độ, tác hại và nguyên nhân của vi phạm: {d.reason.strip().rstrip('.')},"))
    body.append(Text("QUYẾT ĐỊNH", bold=True, align="center", indent=False))
    body.append(Text(f"Điều 1. Thi hành kỷ luật bằng hình thức {form} đối với {_subject_words(d)}."))
    assert d.decided_on is not None
    rule = rules.appeal_due(d.decided_on)[1]
    body.append(Text(f"Điều 2. Quyết định có hiệu lực kể từ ngày ký. Nếu không đồng ý, trong thời hạn {rule.value_text} kể từ "
                     f"ngày nhận Quyết định ({rule.citation}), {_subject_words(d)} có quyền khiếu nại đến cấp uỷ, uỷ ban "
                     "kiểm tra cấp trên; trong khi chờ giải quyết phải chấp hành Quyết định."))
    body.append(Text(f"Điều 3. {_subject_words(d).capitalize()} và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi "
                     "hành Quyết định này./."))
    return _frame(d, kind="QĐ", title="QUYẾT ĐỊNH", subject=f"Thi hành kỷ luật đối với {_subject_words(d)}", body=body,
                  number=_number(d.decision_number), day=d.decided_on,
                  recipients=("Như Điều 3", "Uỷ ban kiểm tra cấp trên", "Lưu hồ sơ kỷ luật"))
