"""Documents, meetings and tasks of the demo city, written only through the directive services
(`do_create_document`, `do_create_meeting`, `do_create_task`, `do_report_progress`,
`do_acknowledge_report`, `do_adjust_task`, `do_close_task`, `do_cancel_task`), so every row
has its audit event and passes the same checks as the web.

The content is `data/demo.yaml`. Dates are generated with a seeded random generator and
relative to today, so that whenever the demo is loaded it has tasks in every state: on track,
due soon, overdue (by days and by months), done on time, done late and cancelled. The
2020–2025 term runs on fixed dates (congress resolution 2020, mid-term review 16/5/2023,
handover before the 1/7/2025 reform); the six successor wards' work runs up to today.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import yaml

from dieuhanh.demo.people import LAST_OLD_DAY, REFORM, Cast, lower_first
from dieuhanh.directives.choices import AdjustedField, Evaluation, ReportPeriod
from dieuhanh.directives.models import Document, Meeting, ProgressReport, Task
from dieuhanh.directives.services import (
    MilestoneInput,
    do_acknowledge_report,
    do_adjust_task,
    do_cancel_task,
    do_close_task,
    do_create_document,
    do_create_meeting,
    do_create_task,
    do_report_progress,
)
from dieuhanh.org.choices import UnitKind
from dieuhanh.org.models import AdminUnit, Person, User

DAY = dt.timedelta(days=1)
MIDTERM = dt.date(2023, 5, 16)
OLD_LAST_DUE = dt.date(2025, 6, 15)  # term tasks are due before the handover
OLD_LAST_CLOSE = dt.date(2025, 6, 28)
PERSONA_WARDS = ("10549", "10546")  # the wards of phuong_saodo and phuong_phalai

# The mix of outcomes for a 2020–2025 task without a `plan` (the city met 10 of 12 targets
# in 2021: most work closes on time).
OLD_PLANS = (("on_time", 70), ("late", 24), ("extend", 6))
# Every successor ward gets tasks in every state; the two persona wards get the whole list.
NEW_PLANS = [
    "on_track", "overdue_days", "done_on_time", "due_soon", "overdue_months", "on_track",
    "done_late", "done_on_time", "extended", "cancelled", "overdue_days", "on_track",
]
AFTER_TRANSFER = ["overdue", "done_late", "on_track", "done_on_time"]


@cache
def work_data() -> dict[str, Any]:
    text = resources.files("dieuhanh.directives").joinpath("data", "demo.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


class WorkLoader:
    def __init__(self, cast: Cast, rng: random.Random, today: dt.date, progress: Callable[..., Any] | None = None):
        self.cast = cast
        self.rng = rng
        self.today = today
        self.progress = progress
        self.data = work_data()
        self.office = cast.users["vanphong"]
        self.leader = cast.users["bithu"]
        self.officers = {"10549": cast.users["phuong_saodo"], "10546": cast.users["phuong_phalai"]}
        self.docs: dict[str, Document] = {}
        self.meetings: dict[str, Meeting] = {}
        self.meeting_by_doc: dict[int, Meeting] = {}
        self.conclusions: list[Document] = []  # conclusions that may decide a deadline extension
        self.ward_docs: dict[str, list[Document]] = {}
        self.ward_conclusions: dict[str, list[Document]] = {}
        self.transfers: list[tuple[Task, str, str, float]] = []  # task, new ward, outcome, percent
        self.counts: Counter[str] = Counter()

    # --- small helpers --------------------------------------------------------------------------

    def _r(self, a: int, b: int) -> int:
        return self.rng.randint(a, b) if b >= a else a

    def _pick(self, first: dt.date, last: dt.date) -> dt.date | None:
        if last < first:
            return None
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def _tick(self, label: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(label, done, total)

    def _holder(self, position: str, day: dt.date) -> Person:
        person = self.cast.holder(position, day)
        if person is None:
            raise LookupError(f"Không có người giữ chức vụ {position} ngày {day:%d/%m/%Y} trong dữ liệu mẫu")
        return person

    def _reporter(self, unit_id: int) -> User:
        unit = AdminUnit.objects.get(pk=unit_id)
        ward = unit.code.split("-")[0]
        return self.officers.get(ward, self.office)

    def _closer(self, task: Task) -> User:
        """The Bí thư of phường Chu Văn An closes its own work after the reform; the office the rest."""
        unit = AdminUnit.objects.get(pk=task.lead_unit_id)
        if unit.valid_from == REFORM and unit.code.split("-")[0] == "10549":
            return self.leader
        return self.office

    @staticmethod
    def _weekday(day: dt.date) -> dt.date:
        while day.weekday() >= 5:
            day -= DAY
        return day

    # --- documents --------------------------------------------------------------------------------

    def _document(self, key: str, spec: dict[str, Any], *, issuer: str, system: str, signer: str | None,
                  parent: Document | None = None, code: str | None = None, title: str | None = None,
                  issued: dt.date | None = None) -> Document:
        issued_on = min(issued or spec["issued"], self.today - DAY)
        doc = do_create_document(
            actor=self.office,
            system=system,
            kind=spec["kind"],
            number=str(spec["number"]),
            issuer_code=code or spec.get("code", "UBND"),
            issuer=self.cast.orgs[issuer],
            issued_on=issued_on,
            title=title or spec["title"],
            parent=parent,
            signer=self.cast.holder(signer, issued_on) if signer else None,
        )
        self.docs[key] = doc
        self.counts["documents"] += 1
        return doc

    def _meeting(self, key: str, *, org: str, title: str, held: dt.date, chair: str, number: str,
                 code: str, conclusion_title: str, kind: str = "TB", parent: Document | None = None,
                 issued: dt.date | None = None) -> Document:
        conclusion = self._document(
            key,
            {"kind": kind, "number": number, "issued": issued or held + DAY},
            issuer=org, system="party", signer=chair, code=code, title=conclusion_title, parent=parent,
        )
        self.meetings[key] = do_create_meeting(
            actor=self.office,
            organisation=self.cast.orgs[org],
            title=title,
            held_on=held,
            chair=self.cast.holder(chair, held),
            conclusion=conclusion,
            summary=conclusion_title,
        )
        self.meeting_by_doc[conclusion.pk] = self.meetings[key]
        self.counts["meetings"] += 1
        return conclusion

    def _old_documents(self) -> None:
        d = self.data
        congress = self._document("congress", d["congress"], issuer="tu", system="party", signer="tu.bi_thu")
        programme = self._document("programme", d["action_programme"], issuer="tu", system="party",
                                   signer="tu.bi_thu", parent=congress)
        for spec in d["implementing"]:
            self._document(f"impl{spec['number']}", spec, issuer="tu", system="party", signer="tu.bi_thu", parent=programme)
        self._document("key_works", d["key_works"], issuer="tu", system="party", signer="tu.bi_thu", parent=programme)
        for spec in d["state_documents"]:
            self._document(f"state{spec['number']}", spec, issuer="ubnd", system="state", signer="ubnd.chu_tich")
        for spec in d["meetings"]:
            doc = self._meeting(
                f"meeting{spec['number']}", org="tu", title=spec["title"], held=spec["held"], chair="tu.bi_thu",
                number=spec["number"], code="TU",
                conclusion_title=f"Thông báo kết luận của Ban Thường vụ Thành uỷ tại {lower_first(spec['title'])}",
            )
            self.conclusions.append(doc)
        mid = d["midterm"]
        # The conference and its conclusion are the same day (16/5/2023).
        midterm = self._meeting(
            "midterm", org="tu", title=mid["meeting"], held=mid["issued"], chair="tu.bi_thu",
            number=mid["number"], code="TU", conclusion_title=mid["title"], kind="KL", parent=congress,
            issued=mid["issued"],
        )
        self.conclusions.append(midterm)
        self.conclusions.sort(key=lambda doc: doc.issued_on)

    def _new_ward_documents(self) -> None:
        spec = self.data["wards_after"]
        for i, (code, ward) in enumerate(sorted(self.cast.new_wards.items())):
            name = lower_first(ward.name)
            w = f"w{code}"
            congress = self._document(
                f"{w}.congress", spec["congress"], issuer=f"{w}.du", system="party", signer=f"{w}.du.bi_thu",
                title=spec["congress"]["title"].replace("{ward}", name), issued=spec["congress"]["issued"] + 3 * i * DAY,
            )
            programme = self._document(
                f"{w}.programme", spec["programme"], issuer=f"{w}.du", system="party", signer=f"{w}.du.bi_thu",
                parent=congress, title=spec["programme"]["title"].replace("{ward}", name),
                issued=spec["programme"]["issued"] + 2 * i * DAY,
            )
            plan = self._document(
                f"{w}.plan", spec["plan"], issuer=f"{w}.ubnd", system="state", signer=f"{w}.ubnd.chu_tich",
                parent=programme, title=spec["plan"]["title"].replace("{ward}", name),
                issued=spec["plan"]["issued"] + i * DAY,
            )
            docs = [congress, programme, plan]
            conclusions = []
            offsets = [(self._r(95, 150), 0), (self._r(25, 45), 1)] if code in PERSONA_WARDS else [(self._r(40, 120), 0)]
            for back, k in offsets:
                held = self.today - back * DAY
                title = f"{spec['meeting']['title'].replace('{ward}', name)} (phiên {held:%m/%Y})"
                doc = self._meeting(
                    f"{w}.meeting{k}", org=f"{w}.du", title=title, held=held, chair=f"{w}.du.bi_thu",
                    number=str(spec["meeting"]["number_base"] + 10 * k + i), code="ĐU",
                    conclusion_title=f"Thông báo kết luận của Ban Thường vụ Đảng uỷ tại {lower_first(title)}",
                )
                conclusions.append(doc)
                docs.append(doc)
            self.ward_docs[code] = docs
            self.ward_conclusions[code] = conclusions

    # --- creating tasks ---------------------------------------------------------------------------

    def _leads(self, lead: str) -> Sequence[str | None]:
        """Ward codes for a ward lead spec, or [None] for a city organisation."""
        codes = sorted(self.cast.legacy_wards)
        if lead == "all_wards":
            return list(codes)
        if lead == "communes":
            return [c for c in codes if self.cast.legacy_wards[c].kind == UnitKind.COMMUNE]
        if lead.startswith("ward:"):
            return [lead.split(":", 1)[1]]
        if lead.startswith("wards:"):
            arg = lead.split(":", 1)[1]
            if arg.isdigit():
                return sorted(self.rng.sample(codes, int(arg)))
            return arg.split(",")
        return [None]

    def _milestones(self, assigned: dt.date, due: dt.date) -> list[MilestoneInput]:
        span = (due - assigned).days
        if span < 60:
            return []
        titles = ["Ban hành kế hoạch chi tiết, phân công cán bộ", "Hoàn thành 50% khối lượng", "Hoàn thành, báo cáo kết quả"]
        fractions = [0.15, 0.55, 1.0] if span >= 180 else [0.3, 1.0]
        chosen = titles if len(fractions) == 3 else [titles[0], titles[2]]
        return [MilestoneInput(t, assigned + dt.timedelta(days=int(span * f))) for t, f in zip(chosen, fractions, strict=True)]

    def _create(self, *, title: str, result: str, doc: Document, unit: AdminUnit, org: Any, person: Person,
                accountable: Person, assigned: dt.date, due: dt.date, spec: dict[str, Any],
                parent: Task | None = None, meeting: Meeting | None = None, coordinating: Sequence[AdminUnit] = ()) -> Task:
        budget = spec.get("b")
        task = do_create_task(
            actor=self.office,
            title=title,
            content=f"Thực hiện {doc.notation} ngày {doc.issued_on:%d/%m/%Y}: {doc.title}",
            source_document=doc,
            lead_unit=unit,
            lead_organisation=org,
            lead_person=person,
            due_date=due,
            expected_result=result,
            accountable_person=accountable,
            assigned_on=assigned,
            milestones=self._milestones(assigned, due),
            budget_vnd=int(budget) * 1_000_000 if budget else None,
            staff_count=spec.get("s") or self._r(2, 6),
            resource_note="Ngân sách thành phố" if budget and unit == self.cast.city else ("Ngân sách phường, xã" if budget else ""),
            parent=parent,
            meeting=meeting,
            coordinating_units=coordinating,
        )
        self.counts["tasks"] += 1
        return task

    # --- what happens to a task ------------------------------------------------------------------

    def _reports(self, task: Task, start: dt.date, end: dt.date, p_from: int, p_to: int, *,
                 cap: int = 4, flag: bool = False, obstacles: bool = False) -> list[ProgressReport]:
        """Weekly (short tasks) or monthly reports from `start` to `end`, progress rising from
        `p_from` to `p_to`; the last one flags a matter beyond the unit's authority if `flag`."""
        if end < start:
            return []
        short = (task.due_date - task.assigned_on).days <= 75
        step = 7 if short else 30
        days: list[dt.date] = []
        day = start + step * DAY
        while day <= end:
            days.append(day)
            day += step * DAY
        if not days:
            days = [end]
        if len(days) > cap:
            idx = sorted({round(i * (len(days) - 1) / (cap - 1)) for i in range(cap)})
            days = [days[i] for i in idx]
        days = sorted({max(start, self._weekday(d)) for d in days})
        texts = self.data["reports"]
        reporter = self._reporter(task.lead_unit_id)
        made = []
        percent = p_from
        for i, day in enumerate(days, start=1):
            target = p_from + (p_to - p_from) * i / len(days)
            percent = max(percent, min(100, int(target) - self._r(0, 3) if i < len(days) else int(target)))
            content = next(text for floor, text in reversed(texts["content"]) if percent >= floor)
            last = i == len(days)
            beyond = flag and last
            obstacle = ""
            if beyond or (obstacles and self.rng.random() < 0.6) or self.rng.random() < 0.12:
                obstacle = self.rng.choice(texts["obstacles"])
            made.append(
                do_report_progress(
                    actor=reporter,
                    task=task,
                    period=ReportPeriod.URGENT if beyond and self.rng.random() < 0.4 else (
                        ReportPeriod.WEEKLY if short else ReportPeriod.MONTHLY
                    ),
                    percent=percent,
                    content=content.replace("{p}", str(percent)),
                    obstacles=obstacle,
                    proposals=self.rng.choice(texts["proposals"]) if beyond else "",
                    beyond_authority=beyond,
                    reported_on=day,
                )
            )
        self.counts["reports"] += len(made)
        return made

    def _acknowledge(self, reports: list[ProgressReport], *, pending_ok: bool) -> None:
        for report in reports:
            if not report.beyond_authority:
                continue
            if pending_ok and (report.reported_on >= self.today - 10 * DAY or self.rng.random() < 0.45):
                self.counts["waiting_for_leader"] += 1
                continue
            do_acknowledge_report(actor=self.leader, report=report, response=self.rng.choice(self.data["reports"]["responses"]))
            self.counts["acknowledged"] += 1

    def _adjust(self, task: Task, field: str, value: Any, doc: Document, reason: str, actor: User | None = None) -> Task:
        do_adjust_task(actor=actor or self.office, task=task, field=field, new_value=value, deciding_document=doc, reason=reason)
        self.counts["adjustments"] += 1
        task.refresh_from_db()
        return task

    def _close(self, task: Task, completed: dt.date, done: str | None = None) -> None:
        task.refresh_from_db()
        late = (completed - task.due_date).days
        if late > 0:
            evaluation = Evaluation.NOT_FULFILLED if late > 120 else self.rng.choice([Evaluation.FULFILLED, Evaluation.FULFILLED, Evaluation.GOOD])
            note = f"Hoàn thành chậm {late} ngày so với thời hạn; đơn vị rút kinh nghiệm về tiến độ và phối hợp."
        else:
            evaluation = self.rng.choice([Evaluation.EXCELLENT, Evaluation.GOOD, Evaluation.GOOD])
            note = "Hoàn thành đúng thời hạn, đạt kết quả đề ra."
        do_close_task(
            actor=self._closer(task),
            task=task,
            completed_on=completed,
            result_summary=done or f"Đã hoàn thành: {task.expected_result}",
            evaluation=evaluation,
            evaluation_note=note,
        )
        self.counts["closed"] += 1

    def _cancel(self, task: Task, doc: Document, reason: str) -> None:
        do_cancel_task(
            actor=self._closer(task), task=task, reason=reason, deciding_document=doc,
            cancelled_on=max(doc.issued_on, task.assigned_on),
        )
        self.counts["cancelled"] += 1

    def _conclusion_between(self, first: dt.date, last: dt.date) -> Document | None:
        found = [d for d in self.conclusions if first < d.issued_on <= last]
        return found[-1] if found else None

    # --- the 2020–2025 term -----------------------------------------------------------------------

    def _old_dates(self, spec: dict[str, Any], earliest: dt.date, parent: Task | None) -> tuple[dt.date, dt.date]:
        if parent is not None:
            assigned = min(max(earliest, parent.assigned_on) + self._r(0, 15) * DAY, parent.due_date - 5 * DAY)
        else:
            assigned = earliest + self._r(3, 30) * DAY
        if spec.get("due"):
            due = spec["due"]
            if due < assigned + 10 * DAY:
                assigned = max(earliest, due - self._r(10, 30) * DAY)
        else:
            due = min(assigned + (spec.get("days") or self._r(75, 420)) * DAY, OLD_LAST_DUE)
        if parent is not None:
            due = min(due, parent.due_date)
        return assigned, max(due, assigned)

    def _old_task(self, spec: dict[str, Any], doc: Document, acc: str, *, parent: Task | None = None,
                  meeting: Meeting | None = None, hold: bool = False) -> list[tuple[Task, dt.date | None]]:
        """Create the task(s) of `spec` (one per ward for ward specs) and run them to their end;
        returns (task, completion date) pairs. Transfers are queued for after the reform; with
        `hold` the task is left open at the mid-term review (its parent is being dropped)."""
        out: list[tuple[Task, dt.date | None]] = []
        for ward in self._leads(spec["lead"]):
            assigned, due = self._old_dates(spec, doc.issued_on, parent)
            if ward is None:
                unit, org = self.cast.city, self.cast.orgs[spec["lead"]]
                person = self._holder(self.cast.head_position(spec["lead"]), assigned)
                accountable = self._holder(acc, assigned)
                title, result = spec["t"], spec["r"]
                others = sorted(self.cast.legacy_wards)
                coordinating = [self.cast.legacy_wards[c] for c in self.rng.sample(others, self._r(0, 3))]
            else:
                unit, org = self.cast.legacy_wards[ward], self.cast.orgs[f"l{ward}.ubnd"]
                role = "chu_tich" if self.rng.random() < 0.6 else "pct"
                person = self._holder(f"l{ward}.ubnd.{role}", assigned)
                accountable = self._holder(f"l{ward}.du.bi_thu", assigned)
                name = lower_first(unit.name)
                title, result = spec["t"].replace("{ward}", name), spec["r"].replace("{ward}", name)
                coordinating = []
            task = self._create(
                title=title, result=result, doc=doc, unit=unit, org=org, person=person, accountable=accountable,
                assigned=assigned, due=due, spec=spec, parent=parent, meeting=meeting, coordinating=coordinating,
            )
            if hold:
                self._reports(task, assigned, MIDTERM - DAY, 5, self._r(20, 50), cap=3)
                out.append((task, None))
            else:
                out.append((task, self._run_old(task, spec, doc, acc)))
        return out

    def _run_old(self, task: Task, spec: dict[str, Any], doc: Document, acc: str) -> dt.date | None:
        plan = spec.get("plan") or self.rng.choices([p for p, _ in OLD_PLANS], [w for _, w in OLD_PLANS])[0]
        children: list[tuple[Task, dt.date | None]] = []
        for sub in spec.get("sub", []):
            children += self._old_task(sub, doc, acc, parent=task, meeting=task.meeting, hold=plan == "drop")
        subs_done = max((c for _, c in children if c), default=None)
        mid = self.data["midterm"]
        start, percent = task.assigned_on, 5  # where the next run of reports starts
        if plan == "drop":
            self._reports(task, start, MIDTERM - DAY, percent, self._r(10, 25))
            for child, completed in children:
                if completed is None:
                    self._cancel(child, self.docs["midterm"], mid["drop_reason"])
            self._cancel(task, self.docs["midterm"], mid["drop_reason"])
            return None
        if plan == "transfer":
            reports = self._reports(task, start, min(LAST_OLD_DAY, self.today), percent, self._r(30, 60))
            code = self.cast.successor[self._code(task)]
            self.transfers.append((task, code, spec.get("after") or "", reports[-1].percent if reports else 10))
            return None
        if plan == "rename":
            reports = self._reports(task, start, MIDTERM, percent, self._r(30, 50))
            task = self._adjust(task, AdjustedField.EXPECTED_RESULT, spec["rename"], self.docs["midterm"], mid["rename_reason"])
            start, percent = MIDTERM, reports[-1].percent if reports else percent
            plan = spec.get("then", "on_time")
        if plan == "extend" and spec.get("extend_to"):
            reports = self._reports(task, start, MIDTERM, percent, self._r(25, 45), flag=True, obstacles=True)
            self._acknowledge(reports, pending_ok=False)
            task = self._adjust(task, AdjustedField.DUE_DATE, spec["extend_to"], self.docs["midterm"], mid["extend_reason"])
            start, percent = MIDTERM, reports[-1].percent if reports else percent
            plan = spec.get("then", "on_time")
            if plan == "transfer":
                reports = self._reports(task, start, min(LAST_OLD_DAY, self.today), percent, self._r(55, 70))
                after_percent = reports[-1].percent if reports else 60
                self.transfers.append((task, spec["transfer_to"], spec.get("after", "overdue"), after_percent))
                return None
        elif plan == "extend":
            decided = self._conclusion_between(task.assigned_on, task.due_date)
            new_due = min(task.due_date + self._r(60, 150) * DAY, OLD_LAST_DUE)
            if task.parent_id:
                new_due = min(new_due, Task.objects.get(pk=task.parent_id).due_date)
            if decided is None or new_due <= task.due_date:
                plan = "late"
            else:
                reports = self._reports(task, start, task.due_date - 5 * DAY, percent, self._r(50, 75),
                                        flag=self.rng.random() < 0.6, obstacles=True)
                self._acknowledge(reports, pending_ok=False)
                old_due = task.due_date
                task = self._adjust(task, AdjustedField.DUE_DATE, new_due, decided,
                                    "Gia hạn theo kết luận của Ban Thường vụ Thành uỷ do vướng mắc khách quan")
                completed = max(old_due + DAY, new_due - self._r(0, 15) * DAY, subs_done or old_due)
                percent = reports[-1].percent if reports else 60
                self._reports(task, old_due, completed, percent, self._r(92, 100), cap=2)
                self._close(task, completed, spec.get("done"))
                return completed
        due = task.due_date
        if plan == "late":
            completed = min(due + self._r(5, 80) * DAY, OLD_LAST_CLOSE, self.today - DAY)
        else:
            slack = max(0, min(30, (due - task.assigned_on).days // 4))
            completed = max(task.assigned_on, due - self._r(0, slack) * DAY)
        completed = max(completed, subs_done or completed, start)
        reports = self._reports(task, start, completed, percent, self._r(90, 100), flag=self.rng.random() < 0.1,
                                obstacles=completed > due)
        self._acknowledge(reports, pending_ok=False)
        self._close(task, completed, spec.get("done"))
        return completed

    def _code(self, task: Task) -> str:
        return AdminUnit.objects.get(pk=task.lead_unit_id).code

    def _old_term(self) -> None:
        d = self.data
        groups: list[tuple[str, dict[str, Any], str, Meeting | None]] = [
            ("programme", d["action_programme"], d["action_programme"]["acc"], None),
            *[(f"impl{s['number']}", s, s["acc"], None) for s in d["implementing"]],
            ("key_works", d["key_works"], d["key_works"]["acc"], None),
            *[(f"state{s['number']}", s, s["acc"], None) for s in d["state_documents"]],
            *[(f"meeting{s['number']}", s, s["acc"], self.meetings[f"meeting{s['number']}"]) for s in d["meetings"]],
        ]
        for i, (key, spec, acc, meeting) in enumerate(groups, start=1):
            doc = self.docs[key]
            for task_spec in spec.get("tasks", []):
                self._old_task(task_spec, doc, acc, meeting=meeting)
            self._tick("Nhiệm vụ nhiệm kỳ 2020–2025", i, len(groups))

    # --- the reform: unfinished work goes to the successor wards ---------------------------------

    def _transfer_all(self) -> None:
        handover = self.docs["state156"]
        outcomes = iter(AFTER_TRANSFER * 3)
        for i, (task, code, after, percent) in enumerate(self.transfers, start=1):
            w = f"w{code}"
            ward = self.cast.new_wards[code]
            reason = "Chuyển giao nhiệm vụ đang thực hiện cho phường kế thừa khi sắp xếp đơn vị hành chính (từ 1/7/2025)"
            task = self._adjust(task, AdjustedField.LEAD_UNIT, ward, handover, reason)
            chair = self._holder(f"{w}.ubnd.chu_tich", REFORM)
            if task.lead_person_id != chair.pk:
                task = self._adjust(task, AdjustedField.LEAD_PERSON, chair, handover, reason)
            secretary = self._holder(f"{w}.du.bi_thu", REFORM)
            if task.accountable_person_id != secretary.pk:
                task = self._adjust(task, AdjustedField.ACCOUNTABLE_PERSON, secretary, handover, reason)
            self._after_reform(task, after or next(outcomes), int(percent), code)
            self._tick("Chuyển giao nhiệm vụ cho các phường mới", i, len(self.transfers))

    def _after_reform(self, task: Task, outcome: str, percent: int, code: str) -> None:
        start, due = max(REFORM, task.assigned_on), task.due_date
        if outcome == "done_late" and due < self.today - 10 * DAY:
            completed = min(due + self._r(5, 60) * DAY, self.today - DAY)
            reports = self._reports(task, start, completed, percent, 100, obstacles=True, flag=True)
            self._acknowledge(reports, pending_ok=False)
            self._close(task, completed)
        elif outcome == "done_on_time" and start < min(due, self.today):
            completed = self._pick(start + DAY, min(due, self.today - DAY)) or start
            self._reports(task, start, completed, percent, 100)
            self._close(task, completed)
        elif outcome == "on_track":
            reports = self._reports(task, start, self.today - self._r(2, 9) * DAY, percent, self._r(70, 85), cap=5, flag=True)
            self._acknowledge(reports, pending_ok=False)
            new_due = self.today + self._r(30, 90) * DAY
            self._adjust(task, AdjustedField.DUE_DATE, new_due, self.ward_conclusions[code][-1],
                         "Gia hạn theo kết luận của Ban Thường vụ Đảng uỷ phường do vướng mắc giải phóng mặt bằng", actor=self.office)
        else:  # still open, overdue: the reports stop short of today, a proposal waits
            last = min(self.today - self._r(5, 20) * DAY, max(start, due + self._r(10, 60) * DAY))
            reports = self._reports(task, start, last, percent, self._r(percent + 5, 85), cap=5, flag=True, obstacles=True)
            self._acknowledge(reports, pending_ok=True)

    # --- today: the six successor wards ----------------------------------------------------------

    def _dated(self, docs: list[Any], status: str, fallback: Any) -> tuple[Any, str, Any]:
        """The first of `docs` (in the order given) from which a task of `status` can be dated,
        with its dates; if none can, `fallback` and an on-track task."""
        for doc in docs:
            dates = self._new_dates(status, doc.issued_on + 2 * DAY)
            if dates:
                return doc, status, dates
        dates = self._new_dates("on_track", fallback.issued_on + 2 * DAY)
        assert dates is not None
        return fallback, "on_track", dates

    def _new_dates(self, status: str, earliest: dt.date) -> tuple[dt.date, dt.date, dt.date | None, dt.date | None] | None:
        """(assigned, due, completed, extended due) for a new ward's task, or None if the
        document is too recent for that status."""
        t, r, pick = self.today, self._r, self._pick
        completed = new_due = None
        if status == "on_track":
            due = t + r(12, 200) * DAY
            assigned = pick(earliest, min(t - 7 * DAY, due - 20 * DAY))
        elif status == "due_soon":
            due = t + r(0, 6) * DAY
            assigned = pick(earliest, min(t - 10 * DAY, due - 20 * DAY))
        elif status == "overdue_days":
            due = t - r(1, 20) * DAY
            assigned = pick(earliest, due - 20 * DAY)
        elif status == "overdue_months":
            due = t - r(45, 300) * DAY
            assigned = pick(earliest, due - 30 * DAY)
        elif status == "done_on_time":
            due = t + r(-150, 40) * DAY
            assigned = pick(earliest, min(t - 15 * DAY, due - 20 * DAY))
            if assigned:
                completed = pick(max(assigned + 10 * DAY, due - 30 * DAY), min(due, t - DAY))
                if completed is None:
                    return None
        elif status == "done_late":
            due = t - r(25, 250) * DAY
            assigned = pick(earliest, due - 20 * DAY)
            completed = due + r(3, min(60, (t - due).days - 1)) * DAY
        elif status == "extended":
            due = t - r(3, 25) * DAY
            assigned = pick(earliest, due - 20 * DAY)
            new_due = t + r(15, 75) * DAY
        else:  # cancelled
            due = t + r(20, 150) * DAY
            assigned = pick(earliest, t - 10 * DAY)
        if assigned is None:
            return None
        return assigned, due, completed, new_due

    def _new_task(self, code: str, spec: dict[str, Any], status: str, *, fixed: bool = False) -> Task | None:
        ward = self.cast.new_wards[code]
        w = f"w{code}"
        name = lower_first(ward.name)
        docs = self.ward_docs[code]
        if fixed:
            assigned, due = spec["assigned"], spec["due"]
            if assigned >= self.today:
                return None
            doc = max((d for d in docs if d.issued_on <= assigned), key=lambda d: d.issued_on)
            completed = due if due < self.today else None
            new_due = None
        else:
            doc, status, (assigned, due, completed, new_due) = self._dated(self.rng.sample(docs, len(docs)), status, docs[0])
        party = "đảng viên" in spec["t"] or "Kiểm tra, giám sát" in spec["t"]
        if party:
            org, person = self.cast.orgs[f"{w}.du"], self._holder(f"{w}.du.pbt", assigned)
        else:
            org = self.cast.orgs[f"{w}.ubnd"]
            role = "chu_tich" if self.rng.random() < 0.5 else "pct"
            person = self._holder(f"{w}.ubnd.{role}", assigned)
        accountable = self._holder(f"{w}.du.bi_thu", assigned)
        meeting = self.meeting_by_doc.get(doc.pk)
        year = str(due.year)
        task = self._create(
            title=spec["t"].replace("{ward}", name).replace("{year}", year),
            result=spec["r"].replace("{ward}", name).replace("{year}", year),
            doc=doc, unit=ward, org=org, person=person, accountable=accountable, assigned=assigned, due=due,
            spec=spec, meeting=meeting,
        )
        self._run_new(task, status, completed, new_due, code)
        return task

    def _run_new(self, task: Task, status: str, completed: dt.date | None, new_due: dt.date | None, code: str,
                 subtasks: Sequence[dict[str, Any]] = ()) -> None:
        assigned, due, t = task.assigned_on, task.due_date, self.today
        for sub in subtasks:
            self._village_subtask(task, sub, completed)
        if completed is not None:
            reports = self._reports(task, assigned, completed, 5, self._r(90, 100), flag=self.rng.random() < 0.1,
                                    obstacles=completed > due)
            self._acknowledge(reports, pending_ok=False)
            self._close(task, completed)
        elif status == "cancelled":
            self._reports(task, assigned, t - self._r(3, 15) * DAY, 5, self._r(10, 35), cap=3)
            self._cancel(task, self.ward_conclusions[code][-1],
                         "Nội dung đã được lồng ghép vào nhiệm vụ khác theo kết luận của Ban Thường vụ Đảng uỷ phường")
        elif status == "extended":
            reports = self._reports(task, assigned, due - 2 * DAY, 5, self._r(50, 70), flag=True, obstacles=True)
            self._acknowledge(reports, pending_ok=False)
            task = self._adjust(task, AdjustedField.DUE_DATE, new_due, self.ward_conclusions[code][-1],
                                "Gia hạn theo đề xuất của đơn vị, được Ban Thường vụ Đảng uỷ phường đồng ý")
            self._reports(task, max(due, assigned), t - self._r(1, 6) * DAY, 70, self._r(75, 88), cap=2)
        else:
            stale = {"overdue_months": self._r(15, 40), "overdue_days": self._r(1, 7)}.get(status, self._r(1, 6))
            final = {"on_track": self._r(20, 70), "due_soon": self._r(70, 95)}.get(status, self._r(35, 85))
            reports = self._reports(task, assigned, t - stale * DAY, 5, final, cap=5,
                                    flag=self.rng.random() < 0.4, obstacles=status.startswith("overdue"))
            self._acknowledge(reports, pending_ok=True)

    def _village_subtask(self, parent: Task, spec: dict[str, Any], parent_completed: dt.date | None) -> None:
        village, head = spec["village"], spec["head"]
        assigned = min(parent.assigned_on + self._r(1, 10) * DAY, parent.due_date, self.today - DAY)
        due = max(assigned, parent.due_date - self._r(0, 20) * DAY)
        name = lower_first(self.cast.new_wards[spec["ward"]].name)
        title = spec["t"].replace("{village}", village.name).replace("{ward}", name)
        task = self._create(
            title=title, result=spec["r"].replace("{village}", lower_first(village.name)), doc=parent.source_document,
            unit=village, org=None, person=head, accountable=parent.lead_person, assigned=assigned, due=due,
            spec={"s": self._r(3, 8)}, parent=parent, meeting=parent.meeting,
        )
        last = min(parent_completed or self.today - DAY, due) if parent_completed or spec["done"] else None
        completed = self._pick(assigned, last) if last else None
        if completed is not None:
            self._reports(task, assigned, completed, 10, 100, cap=3)
            self._close(task, completed)
        else:
            self._reports(task, assigned, self.today - self._r(2, 12) * DAY, 10, self._r(30, 80), cap=3)

    def _new_wards(self) -> None:
        spec = self.data["wards_after"]
        village_spec = spec["village_subtasks"]
        codes = sorted(self.cast.new_wards)
        for i, code in enumerate(codes, start=1):
            pool = list(spec["pool"])
            self.rng.shuffle(pool)
            if code in PERSONA_WARDS:
                plans = list(NEW_PLANS)
                self.rng.shuffle(plans)
            else:
                plans = self.rng.sample(NEW_PLANS, 8)
            parent_title = village_spec["parent"]
            chosen = pool[: len(plans)]
            if code in village_spec["wards"] and parent_title not in [p["t"] for p in chosen]:
                chosen[-1] = next(p for p in pool if p["t"] == parent_title)
            for task_spec, status in zip(chosen, plans, strict=True):
                if code in village_spec["wards"] and task_spec["t"] == parent_title:
                    self._address_task(code, task_spec, status, village_spec)
                else:
                    self._new_task(code, task_spec, status)
            for event in spec["events"]:
                self._new_task(code, event, "", fixed=True)
            for extra in (spec["only"] or {}).get(code, []):
                if "due" in extra:
                    self._new_task(code, extra, "", fixed=True)
                else:
                    self._new_task(code, extra, self.rng.choice(["on_track", "overdue_months"]))
            self._tick("Nhiệm vụ của các phường từ 1/7/2025", i, len(codes))

    def _address_task(self, code: str, spec: dict[str, Any], status: str, village_spec: dict[str, Any]) -> None:
        """The address-standardisation task, split into sub-tasks for the ward's villages."""
        if status in ("cancelled", "extended"):
            status = "on_track"
        w, ward = f"w{code}", self.cast.new_wards[code]
        docs = self.ward_docs[code]
        doc, status, (assigned, due, completed, _) = self._dated([docs[1], docs[0]], status, docs[0])
        name = lower_first(ward.name)
        task = self._create(
            title=spec["t"].replace("{ward}", name), result=spec["r"].replace("{ward}", name), doc=doc, unit=ward,
            org=self.cast.orgs[f"{w}.ubnd"], person=self._holder(f"{w}.ubnd.pct", assigned),
            accountable=self._holder(f"{w}.du.bi_thu", assigned), assigned=assigned, due=due, spec=spec,
        )
        subs = [
            {**village_spec, "village": v, "head": self.cast.village_heads[v.pk], "ward": code, "done": k % 2 == 0}
            for k, v in enumerate(self.cast.villages_new[code])
        ]
        self._run_new(task, status, completed, None, code, subtasks=subs)

    # --- everything -------------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        self._old_documents()
        self._tick("Văn bản nhiệm kỳ 2020–2025", 1, 1)
        self._old_term()
        self._new_ward_documents()
        self._tick("Văn bản của các phường mới", 1, 1)
        self._transfer_all()
        self._new_wards()
        return self.counts


def report_cycle(cast: Cast, today: dt.date) -> dict[str, int]:
    """The reporting cadences of the open tasks (directives/cycle.py): most report monthly (the
    default), every third weekly, every seventh not at all; about half of them have sent this
    period's report, so the list and the office's page show some that have not."""
    from dieuhanh.directives import cycle
    from dieuhanh.directives.choices import ReportCadence
    from dieuhanh.directives.services import do_set_report_cadence

    office = cast.users["vanphong"]
    open_tasks = Task.objects.open().filter(assigned_on__lt=today.replace(day=1) - dt.timedelta(days=7)).order_by("id")
    counts: Counter[str] = Counter()
    for i, task in enumerate(open_tasks):
        cadence = ReportCadence.WEEKLY if i % 3 == 0 else ReportCadence.NONE if i % 7 == 6 else ReportCadence.MONTHLY
        if cadence != task.report_cadence:
            task = do_set_report_cadence(actor=office, task=task, report_cadence=cadence)
        counts[f"cadence_{cadence}"] += 1
        if cadence == ReportCadence.NONE or i % 2:
            continue
        period = cycle.period_of(cadence, today)
        do_report_progress(
            actor=office, task=task, period=cadence, percent=min(95, task.progress_percent + 10),
            content="Tiếp tục triển khai theo kế hoạch; đã rà soát tiến độ với các đơn vị phối hợp.",
            reported_on=period.start,
        )
        counts["reports"] += 1
    counts["missing_report"] = cycle.missing(Task.objects.all(), today).count()
    return counts


def root_document_exists() -> bool:
    spec = work_data()["congress"]
    return Document.objects.filter(
        issuer__name="Thành uỷ Chí Linh", kind=spec["kind"], number=spec["number"], issued_on=spec["issued"]
    ).exists()


def task_status_counts(today: dt.date | None = None) -> dict[str, int]:
    """Tasks by derived status (every status listed, zeros included)."""
    from django.db.models import Count

    from dieuhanh.directives.choices import TaskStatus

    counts = dict.fromkeys(TaskStatus.values, 0)
    for row in Task.objects.with_status(today).values("status").annotate(n=Count("id")).order_by():  # type: ignore[misc]  # `status` is annotated by with_status()
        counts[row["status"]] = row["n"]
    return counts


def step(cast: Cast, rng: random.Random, today: dt.date, progress: Any) -> dict[str, int] | None:
    """The documents, meetings and tasks of the demo city (None: already there)."""
    if root_document_exists():
        return None
    counts = dict(WorkLoader(cast, rng, today, progress).run())
    for key, n in report_cycle(cast, today).items():
        counts[key] = counts.get(key, 0) + n
    counts.update({f"status_{k}": v for k, v in task_status_counts(today).items()})
    return counts
