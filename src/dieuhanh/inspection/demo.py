"""Inspection, supervision and discipline in the demo city (fictional people and organisations):

- the totals the articles report, entered as reported figures: Chí Linh over three years (its
  committees inspected 285 organisations and 256 members; the inspection commissions 135
  organisations, and 4 organisations and 12 members on signs of violation; 2 organisations and
  139 members disciplined) and TP Hải Dương over the 2015–2020 term (the city committee's 8
  inspections and 5 supervisions, the grassroots committees' 1,626 and 1,279, 7 organisations and
  18 members inspected on signs of violation, 68 members disciplined, suggestions for review to
  18 collectives and 3 individuals);
- since the reform, each new ward's 2026 programme, and inspections and supervisions of its cells
  and members at every step, discipline proposed from a conclusion, decided, delivered, one
  appealed; and the suggestions for review of the year, through the app's services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from dieuhanh.demo.people import REFORM, Cast
from dieuhanh.inspection import services
from dieuhanh.inspection.choices import (
    Body,
    Field,
    Form,
    Kind,
    Level,
    Measure,
    Outcome,
    ProgrammeSpan,
    Rating,
    SubjectType,
    TargetType,
    Verdict,
)
from dieuhanh.inspection.models import Programme
from dieuhanh.org.choices import OrganisationKind, UnitLevel
from dieuhanh.org.models import AdminUnit, Organisation, Person

CHI_LINH = "Báo Nhân Dân: Chí Linh, kiểm tra, giám sát ba năm (2021–2023)"
HAI_DUONG = "Báo cáo tổng kết nhiệm kỳ 2015–2020 của Thành uỷ Hải Dương (qua báo chí)"
CONTENTS = {
    Field.LAND: "việc lãnh đạo, chỉ đạo công tác quản lý đất đai, giải phóng mặt bằng",
    Field.BUDGET: "việc quản lý, sử dụng ngân sách, tài chính đảng",
    Field.INVESTMENT: "việc lãnh đạo thực hiện các dự án đầu tư công trên địa bàn",
    Field.CORRUPTION: "việc thực hiện các quy định về phòng, chống tham nhũng, lãng phí",
    Field.PERSONNEL: "việc thực hiện quy trình công tác cán bộ",
    Field.PARTY: "việc chấp hành nguyên tắc tập trung dân chủ, chế độ sinh hoạt đảng",
}
FINDINGS = (
    "Chưa thực hiện đầy đủ chế độ sinh hoạt chi bộ định kỳ hằng tháng.",
    "Hồ sơ quản lý đất đai ở một số thôn, khu dân cư chưa được cập nhật kịp thời.",
    "Việc công khai dự toán, quyết toán ngân sách chưa đúng thời hạn.",
    "Chưa kịp thời kiểm điểm làm rõ trách nhiệm khi để xảy ra vi phạm trong quản lý đất đai.",
)


def _reported(cast: Cast) -> int:
    made = 0
    rows = [
        (cast.city, Level.DISTRICT, Body.COMMITTEE, 2021, 2023, Measure.ORGS_INSPECTED, 285, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMITTEE, 2021, 2023, Measure.MEMBERS_INSPECTED, 256, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMISSION, 2021, 2023, Measure.ORGS_INSPECTED, 135, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMISSION, 2021, 2023, Measure.ORGS_SIGNS, 4, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMISSION, 2021, 2023, Measure.MEMBERS_SIGNS, 12, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMITTEE, 2021, 2023, Measure.ORGS_DISCIPLINED, 2, CHI_LINH),
        (cast.city, Level.DISTRICT, Body.COMMITTEE, 2021, 2023, Measure.MEMBERS_DISCIPLINED, 139, CHI_LINH),
    ]
    hai_duong = AdminUnit.objects.filter(level=UnitLevel.DISTRICT, name="Thành phố Hải Dương").first()
    if hai_duong is not None:
        rows += [
            (hai_duong, Level.DISTRICT, Body.COMMITTEE, 2015, 2020, Measure.INSPECTIONS, 8, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMITTEE, 2015, 2020, Measure.SUPERVISIONS, 5, HAI_DUONG),
            (hai_duong, Level.GRASSROOTS, Body.COMMITTEE, 2015, 2020, Measure.INSPECTIONS, 1626, HAI_DUONG),
            (hai_duong, Level.GRASSROOTS, Body.COMMITTEE, 2015, 2020, Measure.SUPERVISIONS, 1279, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMISSION, 2015, 2020, Measure.ORGS_SIGNS, 7, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMISSION, 2015, 2020, Measure.MEMBERS_SIGNS, 18, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMITTEE, 2015, 2020, Measure.MEMBERS_DISCIPLINED, 68, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMITTEE, 2015, 2020, Measure.COLLECTIVES_SUGGESTED, 18, HAI_DUONG),
            (hai_duong, Level.DISTRICT, Body.COMMITTEE, 2015, 2020, Measure.INDIVIDUALS_SUGGESTED, 3, HAI_DUONG),
        ]
    for unit, level, body, y0, y1, measure, value, source in rows:
        services.do_add_reported_figure(actor=None, unit=unit, level=level, body=body, year_from=y0, year_to=y1,
                                        measure=measure, value=value, source=source, system=True)
        made += 1
    return made


def _people(cast: Cast, ward: str, day: dt.date) -> list[Person]:
    """The ward's people holding a post on `day` (the team and the members inspected), not the
    personas, whose logins would read the cases about them."""
    from dieuhanh.demo.loader import PERSONAS
    from dieuhanh.org.models import Assignment

    personas = {cast.people[p.person].pk for p in PERSONAS if p.person in cast.people}
    held = Assignment.objects.active_on(day).filter(position__organisation__unit=cast.new_wards[ward]).exclude(
        person_id__in=personas).order_by("position__organisation__name", "-position__is_head", "position__title", "id")
    found: list[Person] = []
    for a in held.select_related("person"):
        if a.person not in found:
            found.append(a.person)
    return found


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    if Programme.objects.exists():
        return None
    leader, inspector = cast.users["bithu"], cast.users["kiemtra"]
    counts = {"programmes": 0, "inspections": 0, "disciplines": 0, "appeals": 0, "reviews": 0,
              "reported": _reported(cast)}
    year = today.year
    earliest = REFORM + dt.timedelta(days=40)
    for w_index, code in enumerate(sorted(cast.new_wards)):
        ward = cast.new_wards[code]
        committee = cast.orgs[f"w{code}.du"]
        commission = cast.orgs.get(f"w{code}.ubkt")
        people = _people(cast, code, today)
        cells = list(Organisation.objects.filter(kind=OrganisationKind.PARTY_CELL, unit__parent=ward).order_by("name"))
        subjects_org = cells or [o for k, o in sorted(cast.orgs.items())
                                 if k.startswith("l") and k.endswith(".du") and cast.successor.get(k[1:6]) == code]
        if len(people) < 3 or not subjects_org:
            continue
        programme = services.do_add_programme(
            actor=leader, organisation=committee, body=Body.STANDING, span=ProgrammeSpan.YEAR, year_from=year,
            year_to=year, title=f"Chương trình kiểm tra, giám sát năm {year} của Ban Thường vụ {committee.name}",
            adopted_on=max(earliest, dt.date(year, 1, 5)) if today >= dt.date(year, 1, 10) else today,
            document_number=f"0{w_index + 1}-CTr/ĐU")
        counts["programmes"] += 1
        plan = [
            (Kind.REGULAR, Field.PARTY, SubjectType.ORGANISATION, 1),
            (Kind.THEMATIC, Field.LAND, SubjectType.ORGANISATION, 1),
            (Kind.SUPERVISE_THEMATIC, Field.BUDGET, SubjectType.MEMBER, 2),
            (Kind.KTGS_WORK, Field.PARTY, SubjectType.ORGANISATION, 2),
            (Kind.FINANCE, Field.BUDGET, SubjectType.ORGANISATION, 3),
            (Kind.SUPERVISE_REGULAR, Field.PERSONNEL, SubjectType.MEMBER, 3),
            (Kind.THEMATIC, Field.INVESTMENT, SubjectType.ORGANISATION, 4),
            (Kind.THEMATIC, Field.CORRUPTION, SubjectType.ORGANISATION, 4),
        ]
        for n, (kind, field, subject_type, quarter) in enumerate(plan):
            item = services.do_plan_item(
                actor=leader, programme=programme, kind=kind, field=field, content=CONTENTS[field],
                subject_type=subject_type, subject_org=subjects_org[n % len(subjects_org)]
                if subject_type == SubjectType.ORGANISATION else None,
                subject_person=people[(n + w_index) % len(people)] if subject_type != SubjectType.ORGANISATION else None,
                year=year, quarter=quarter, lead=people[n % len(people)])
            if n == len(plan) - 1:
                continue  # the last item is still to be decided
            # carried to a step that differs from one to the next (`_carry`), decided early enough
            # for its steps (about 4 days each), and a few days earlier for every second one: some
            # run past their period
            stop = (n + w_index) % 8
            decided = today - dt.timedelta(days=3 + 4 * stop + (20 if stop < 4 and (n + w_index) % 4 == 1 else 0) + w_index)
            if decided < earliest:
                continue
            body = Body.COMMISSION if commission is not None and kind == Kind.FINANCE else Body.STANDING
            org = commission if body == Body.COMMISSION and commission is not None else committee
            i = services.do_decide_inspection(
                actor=leader, organisation=org, body=body, kind=kind, field=field, content=item.content,
                subject_type=subject_type, subject_org=item.subject_org, subject_person=item.subject_person,
                decided_on=decided, starts_on=decided + dt.timedelta(days=2), ends_on=decided + dt.timedelta(days=25),
                team_lead=people[(n + 1) % len(people)], team=[people[(n + 2) % len(people)]],
                decision_number=f"{10 + n + 8 * w_index}-QĐ/{org.short_name or 'ĐU'}", planned_item=item,
                reviewed_from=dt.date(year - 1, 1, 1), reviewed_to=dt.date(year - 1, 12, 31))
            counts["inspections"] += 1
            _carry(i, leader, inspector, today, n, w_index, commission or committee, counts)
        # an inspection on signs of violation, outside the programme, of a member
        decided = today - dt.timedelta(days=12 + 5 * w_index)
        if decided >= earliest:
            i = services.do_decide_inspection(
                actor=inspector if commission else leader, organisation=commission or committee,
                body=Body.COMMISSION if commission else Body.STANDING, kind=Kind.SIGNS, field=Field.LAND,
                content="dấu hiệu vi phạm trong việc xác nhận nguồn gốc đất", subject_type=SubjectType.MEMBER,
                subject_person=people[-1], decided_on=decided, starts_on=decided + dt.timedelta(days=1),
                ends_on=decided + dt.timedelta(days=40), team_lead=people[0], team=[people[1]],
                decision_number=f"{30 + w_index}-QĐ/UBKTĐU")
            counts["inspections"] += 1
        if code == "10549":  # a supervision of the ward's officer (the persona phuong_saodo reads it as its subject)
            subject = cast.people["phuong_saodo"]
            decided = max(earliest, today - dt.timedelta(days=10))
            i = services.do_decide_inspection(
                actor=leader, organisation=committee, body=Body.STANDING, kind=Kind.SUPERVISE_THEMATIC,
                field=Field.PERSONNEL, content="việc thực hiện nhiệm vụ được giao về thống kê, báo cáo",
                subject_type=SubjectType.MEMBER, subject_person=subject, decided_on=decided,
                starts_on=decided + dt.timedelta(days=1), ends_on=decided + dt.timedelta(days=25),
                team_lead=people[0], team=[people[1]], decision_number="50-QĐ/ĐU")
            counts["inspections"] += 1
            if decided + dt.timedelta(days=6) <= today:
                services.do_announce(actor=inspector, inspection=i, on=decided + dt.timedelta(days=2))
                services.do_self_report(actor=inspector, inspection=i, on=decided + dt.timedelta(days=6),
                                        text="Báo cáo việc thực hiện nhiệm vụ thống kê, báo cáo năm nay.")
        # the year's suggestions for review: one collective and one person each
        suggested = max(earliest, today - dt.timedelta(days=20))
        for t, target in enumerate((TargetType.COLLECTIVE, TargetType.INDIVIDUAL)):
            r = services.do_suggest_review(
                actor=leader, organisation=committee, target=target,
                subject_org=subjects_org[0] if target == TargetType.COLLECTIVE else None,
                subject_person=people[(t + w_index) % len(people)] if target == TargetType.INDIVIDUAL else None,
                year=suggested.year, suggestion="Làm rõ trách nhiệm trong việc chậm khắc phục các hạn chế sau kiểm tra; "
                "việc thực hiện chế độ sinh hoạt đảng.", suggested_on=suggested,
                review_due=suggested + dt.timedelta(days=30))
            counts["reviews"] += 1
            if t == 1 or w_index % 3 == 2 or suggested + dt.timedelta(days=5) > today:
                continue
            services.do_record_review(actor=inspector, review=r, on=suggested + dt.timedelta(days=5),
                                      text="Tập thể đã kiểm điểm, nhận khuyết điểm chậm khắc phục sau kiểm tra.")
            if w_index % 3 == 0:
                services.do_assess(actor=leader, review=r, on=suggested + dt.timedelta(days=5), rating=Rating.DONE,
                                   assessment="Kiểm điểm nghiêm túc; khuyết điểm đã được nhận rõ.",
                                   notice_number=f"{40 + w_index}-TB/ĐU")
                services.do_add_shortcoming(actor=leader, review=r, text="Chậm khắc phục hạn chế sau kiểm tra năm trước.")
        deciding = commission or (cells[0] if cells else None)
        if deciding is not None:
            _appeals(cast, leader, today, committee, deciding, people, counts, w_index)
    return counts


def _appeals(cast: Cast, leader: Any, today: dt.date, committee: Organisation, deciding: Organisation,
             people: list[Person], counts: dict[str, int], w_index: int) -> None:
    """Discipline decided by the ward's inspection commission (or, without one, a party cell),
    appealed to the ward's standing board (the first instance for its own commission's decisions):
    one appeal waiting, one accepted, one decided; a proposal still to be decided, and a decision
    not yet delivered."""
    for n, (stop, form) in enumerate((("lodged", Form.REPRIMAND), ("accepted", Form.WARNING),
                                      ("resolved", Form.REPRIMAND), ("proposed", Form.WARNING),
                                      ("decided", Form.REPRIMAND))):
        proposed = today - dt.timedelta(days=60 - 5 * n + 3 * w_index)
        d = services.do_propose_discipline(
            actor=leader, organisation=deciding, subject_type=SubjectType.MEMBER, subject_person=people[n % len(people)],
            violation="Vi phạm quy định về những điều đảng viên không được làm trong quản lý đất đai.",
            violated_on=proposed - dt.timedelta(days=400), proposed_form=form, on=proposed)
        counts["disciplines"] += 1
        if stop == "proposed":
            continue
        services.do_decide_discipline(actor=leader, discipline=d, on=proposed + dt.timedelta(days=7), form=form,
                                      decision_number=f"{n + 1}-QĐ/UBKTĐU", reason="Vi phạm lần đầu.")
        if stop == "decided":
            continue
        services.do_deliver(actor=leader, discipline=d, on=proposed + dt.timedelta(days=9))
        a = services.do_lodge_appeal(actor=leader, discipline=d, on=proposed + dt.timedelta(days=15),
                                     organisation=committee, grounds="Đề nghị xem xét lại hình thức kỷ luật.")
        counts["appeals"] += 1
        if stop == "lodged":
            continue
        services.do_accept_appeal(actor=leader, appeal=a, on=proposed + dt.timedelta(days=17))
        if stop == "resolved":
            services.do_resolve_appeal(actor=leader, appeal=a, on=proposed + dt.timedelta(days=30),
                                       outcome=Outcome.UPHELD, reason="Quyết định đúng quy định, đúng thẩm quyền.")


def _carry(i: Any, leader: Any, inspector: Any, today: dt.date, n: int, w_index: int, deciding: Organisation,
           counts: dict[str, int]) -> None:
    """Take an inspection as far as its dates allow, stopping at a step that differs from one to the
    next (decided, announced, reported, verified, drafted, concluded, notified, closed), so the
    lists and the generic tests find each action open somewhere."""
    from dieuhanh.directives.choices import Evaluation
    from dieuhanh.directives.services import do_close_task

    stop = (n + w_index) % 8
    day = i.decided_on + dt.timedelta(days=2)
    if stop < 1 or day > today:
        return
    services.do_announce(actor=inspector, inspection=i, on=day)
    day += dt.timedelta(days=4)
    if stop < 2 or day > today:
        return
    services.do_self_report(actor=inspector, inspection=i, on=day, text="Đối tượng báo cáo tự kiểm tra theo đề cương.")
    breach = i.subject_type != SubjectType.ORGANISATION or (n + w_index) % 3 == 0
    services.do_add_finding(actor=inspector, inspection=i, text=FINDINGS[(n + w_index) % len(FINDINGS)], breach=breach)
    day += dt.timedelta(days=5)
    if stop < 3 or day > today:
        return
    services.do_verify(actor=inspector, inspection=i, on=day, text="Đoàn đã thẩm tra hồ sơ, làm việc với các cá nhân liên quan.")
    day += dt.timedelta(days=4)
    if stop < 4 or day > today:
        return
    services.do_draft(actor=inspector, inspection=i, on=day, text="Dự thảo báo cáo đã trao đổi với đối tượng.")
    day += dt.timedelta(days=3)
    if stop < 5 or day > today:
        return
    verdict = Verdict.DISCIPLINE if breach and i.subject_type != SubjectType.ORGANISATION else (
        Verdict.VIOLATION if breach else Verdict.SHORTCOMINGS)
    services.do_conclude(actor=leader, inspection=i, on=day, verdict=verdict,
                         conclusion="Ưu điểm: cơ bản thực hiện đúng quy định. Hạn chế, khuyết điểm như nêu dưới đây.")
    day += dt.timedelta(days=2)
    if stop < 6 or day > today:
        return
    services.do_notify(actor=leader, inspection=i, on=day, notice_number=f"{20 + n + 8 * w_index}-TB/ĐU")
    if verdict == Verdict.DISCIPLINE:
        services.do_propose_from_inspection(
            actor=leader, inspection=i, on=day, organisation=deciding,
            violation="Thiếu trách nhiệm trong quản lý, để xảy ra vi phạm.", violated_on=day - dt.timedelta(days=200),
            proposed_form=Form.REPRIMAND)
        counts["disciplines"] += 1
    if stop < 7:
        return
    for f in i.findings.all():
        task = services.do_remedial_task(
            actor=leader, case=i, finding=f, lead_unit=i.unit, lead_person=i.team_lead,
            due_date=today + dt.timedelta(days=30), expected_result="Khắc phục xong, báo cáo kết quả.",
            accountable_person=i.team_lead)
        do_close_task(actor=leader, task=task, completed_on=today, result_summary="Đã khắc phục xong.",
                      evaluation=Evaluation.FULFILLED)
    services.do_close(actor=leader, inspection=i, on=today)
