"""Every change to procedures and dossiers received here goes through a `do_*` function: it
checks the actor's role over the dossier's unit (or the unit of the body holding it), validates
with Vietnamese messages that name the field, and writes the change, its `DossierEvent` and its
audit event in one transaction. Deadlines come only from the procedure's processing time, the
legal rule table and the working-day calendar.

The rules of Decree 118/2025/NĐ-CP kept here (each limit read from the legal rule table by the
dossier's receipt date, so a dossier keeps the law it was received under):
- the appointment date is the procedure's processing time in working days after the day the
  dossier counts as received (`receipt_counts_from`): the receipt day, or for a dossier sent
  online on a day off or from the end of office hours on (`dossier.office_hours_end`, 17:00),
  the next working day (Decree 45/2020/NĐ-CP [U]) — on the page, through the API and in the
  import alike;
- an inter-level (*liên thông*) transfer is due the same working day the dossier reached the
  sender, or the next working day when it arrived at or after the cut-off hour
  (`dossier.cutoff_hour`, 15:00; `dossier.interlevel_transfer`, `dossier.interlevel_transfer_late`);
  a body that receives a dossier after the cut-off counts its own time from the next working day;
- completion is requested as many times as `dossier.supplement_times` allows (once); the clock
  stops while the applicant completes the dossier, and the working days already spent count
  towards the processing time (Decree 61/2018 Art 19 as carried into Decree 118/2025 [U]: "thời
  gian đã giải quyết lần đầu được tính vào thời gian giải quyết");
- a dossier that will be late gets an apology with a new appointment date, as many times as
  `dossier.apology_times` allows (once), each issued at the latest `dossier.apology_before_due`
  (one working day) before the date the applicant was last given (Decree 61/2018 as amended by
  Decree 107/2021 [U]); it stays classed late against the original date if it is late."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.core import access, audit, calendar
from dieuhanh.core.cases import CaseAction
from dieuhanh.core.choices import DayKind
from dieuhanh.core.http import AnyUser
from dieuhanh.core.i18n import recorded
from dieuhanh.core.legal_rules import Rule, RuleNotFound, deadline
from dieuhanh.core.legal_rules import value as rule_value
from dieuhanh.dossiers.cases import DOSSIERS, open_step
from dieuhanh.dossiers.choices import (
    OPEN_STATUSES,
    Channel,
    EventKind,
    Level,
    OnlineType,
    ReturnMethod,
    Source,
    Status,
    StepState,
)
from dieuhanh.dossiers.models import Dossier, DossierEvent, DossierStep, Procedure, classify
from dieuhanh.lib.text import fold
from dieuhanh.notifications import citizens
from dieuhanh.org.models import AdminUnit, Organisation, User


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _now(at: dt.datetime | None) -> dt.datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    return at


def local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def cutoff(on: dt.date) -> tuple[dt.time, Rule]:
    """The hour from which a dossier that arrives counts from the next working day (rule
    `dossier.cutoff_hour`, by the law of `on`: the dossier's receipt date), and that rule."""
    hour, rule = rule_value("dossier.cutoff_hour", on, unit=DayKind.HOUR)
    return dt.time(hour), rule


def counted_from(at: dt.datetime, *, on: dt.date | None = None) -> dt.date:
    """The day a body's time counts from when a dossier reaches it at `at`: that day, or the
    next working day when it arrives at or after the cut-off hour or on a day off. The cut-off
    is the one in force on `on`, the dossier's receipt date (default: the day of `at`)."""
    local = timezone.localtime(at)
    day = local.date()
    if local.time() >= cutoff(on or day)[0] or not calendar.is_working_day(day):
        return calendar.next_working_day(day)
    return day


def transfer_deadline(arrived: dt.datetime, *, on: dt.date | None = None) -> tuple[dt.date, str]:
    """When a body that got the dossier at `arrived` must pass it on to the next level, by the
    rules in force on `on`, the dossier's receipt date (default: the day of `arrived`)."""
    local = timezone.localtime(arrived)
    day = local.date()
    law = on or day
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
        code = "dossier.interlevel_transfer"
    elif local.time() >= cutoff(law)[0]:
        code = "dossier.interlevel_transfer_late"
    else:
        code = "dossier.interlevel_transfer"
    due, rule = deadline(code, day, on=law)
    return due, rule.code


def office_hours_end(on: dt.date) -> dt.time | None:
    """The end of office hours by the law of `on` (rule `dossier.office_hours_end`), or None
    before the rule on online receipts was in force."""
    try:
        hour, _ = rule_value("dossier.office_hours_end", on, unit=DayKind.HOUR)
    except RuleNotFound:
        return None
    return dt.time(hour)


def receipt_counts_from(channel: str, day: dt.date, time: dt.time | None = None) -> dt.date:
    """The day a dossier received on `day` (at `time`, when known) is taken as received, which
    its processing time counts from: that day, or, for a dossier submitted online on a day off
    or from the end of office hours on (`dossier.office_hours_end`, Decree 45/2020/NĐ-CP), the
    next working day. The one function behind every appointment date: the receipt on the page
    and through the API, the import, and the rest of the time after a completion."""
    if channel != Channel.ONLINE:
        return day
    end = office_hours_end(day)
    if end is None:
        return day
    if not calendar.is_working_day(day) or (time is not None and time >= end):
        return calendar.next_working_day(day)
    return day


def dossier_counts_from(d: Dossier) -> dt.date:
    """`receipt_counts_from` of a stored dossier."""
    time = timezone.localtime(d.received_at).time() if d.received_at is not None else None
    return receipt_counts_from(d.channel, d.received_on, time)


def appointment(processing_days: int, channel: str, day: dt.date, time: dt.time | None = None) -> dt.date:
    """The appointment date on the receipt: the processing time in working days after the day
    the dossier counts as received (`receipt_counts_from`)."""
    return calendar.add(receipt_counts_from(channel, day, time), processing_days, working=True)


def current_step(d: Dossier) -> DossierStep | None:
    return open_step(d)


def allowed_actions(user: AnyUser | None, d: Dossier) -> list[str]:
    """The actions `user` may take on `d` now, in workflow order (`cases.DossierCases`)."""
    return DOSSIERS.allowed_actions(user, d)


def _check(actor: User, d: Dossier, action: str, at: dt.datetime | None = None) -> CaseAction:
    return DOSSIERS.check(actor, d, action, on=local_day(at) if at is not None else None)


def _event(d: Dossier, kind: str, at: dt.datetime, actor: User, before: str, note: str = "") -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=d, at=at, kind=kind, from_status=before, to_status=d.status, actor=actor, note=note[:500]
    )
    citizens.dossier_event(d, kind, at)
    return event


_TRACKED = ["status", "due_on", "new_due_on", "apology_on", "supplement_requested_on", "supplemented_on",
            "result_on", "returned_on", "return_method", "timeliness", "current_body", "current_step"]


def _save(d: Dossier, actor: User, kind: str, at: dt.datetime, before: dict[str, Any], note: str = "") -> Dossier:
    d.save()
    _event(d, kind, at, actor, before["status"], note)
    audit.record(actor=actor, action=AUDIT_ACTIONS[kind], obj=d, before=before, after=audit.snapshot(d, _TRACKED))
    return d


def _lock(d: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=d.pk)


def _body_name(unit: AdminUnit) -> str:
    return f"Bộ phận Một cửa {unit.name}"


# --- Catalogue ----------------------------------------------------------------------------------

PROCEDURE_FIELDS = ("name", "field", "level", "processing_days", "online_type", "fee_vnd", "fee_note",
                    "postal_return", "deciding_body", "active")


def validate_procedure(data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code = str(data.get("code") or "").strip()
    if not code:
        errors["code"] = [_("Mã thủ tục không được để trống.")]
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("Tên thủ tục không được để trống.")]
    if not str(data.get("field") or "").strip():
        errors["field"] = [_("Lĩnh vực không được để trống.")]
    if data.get("level") not in Level.values:
        errors["level"] = [_("Cấp thực hiện phải là cấp tỉnh hoặc cấp xã.")]
    days = data.get("processing_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0 or days > 365:
        errors["processing_days"] = [_("Thời hạn giải quyết phải là số ngày làm việc từ 0 đến 365.")]
    if data.get("online_type", OnlineType.NONE) not in OnlineType.values:
        errors["online_type"] = [_("Dịch vụ công trực tuyến phải là toàn trình, một phần hoặc không.")]
    fee = data.get("fee_vnd")
    if fee is not None and (not isinstance(fee, int) or fee < 0):
        errors["fee_vnd"] = [_("Phí, lệ phí phải là số đồng không âm.")]
    return errors


@transaction.atomic
def do_save_procedure(*, actor: User, code: str, **data: Any) -> tuple[Procedure, bool]:
    """Create or update the procedure `code` (administrators only). Returns (procedure, created)."""
    if not access.may(actor, "dossiers", "catalogue", None):
        raise PermissionDenied(_("Bạn không có quyền sửa danh mục thủ tục hành chính."))
    data = {k: v for k, v in data.items() if k in PROCEDURE_FIELDS}
    data.setdefault("online_type", OnlineType.NONE)
    _raise(validate_procedure({"code": code, **data}))
    code = code.strip()
    proc = Procedure.objects.select_for_update().filter(code=code).first()
    created = proc is None
    before = None if proc is None else audit.snapshot(proc)
    if proc is None:
        proc = Procedure(code=code)
    for k, v in data.items():
        setattr(proc, k, v.strip() if isinstance(v, str) else v)
    proc.save()
    audit.record(actor=actor, action="create" if created else "update", obj=proc, before=before,
                 after=audit.snapshot(proc))
    return proc, created


# --- Receiving -----------------------------------------------------------------------------------


def _new_code(unit: AdminUnit, day: dt.date) -> str:
    prefix = f"{unit.code}-{day:%y%m%d}-"
    taken = Dossier.objects.filter(code__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def do_receive_dossier(
    *,
    actor: User,
    procedure: Procedure,
    unit: AdminUnit,
    channel: str,
    applicant_name: str,
    applicant_phone: str = "",
    applicant_address: str = "",
    received_at: dt.datetime | None = None,
    code: str = "",
    note: str = "",
    applicant_email: str = "",
    no_contact: bool = False,
) -> Dossier:
    """Receive a complete dossier at `unit`'s one-stop desk (or online, or by post) and fix its
    appointment date. Prints as the receipt and appointment slip."""
    if not access.may(actor, "dossiers", "receive", unit.pk):
        raise PermissionDenied(_("Bạn không có quyền tiếp nhận hồ sơ tại đơn vị này."))
    at = _now(received_at)
    errors: dict[str, list[str]] = {}
    if at > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = [_("Thời điểm tiếp nhận không được ở tương lai.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Kênh tiếp nhận phải là trực tiếp, trực tuyến hoặc bưu chính.")]
    elif channel == Channel.ONLINE and procedure.online_type == OnlineType.NONE:
        errors["channel"] = [_("Thủ tục %(code)s không cung cấp dịch vụ công trực tuyến.") % {"code": procedure.code}]
    if not procedure.active:
        errors["procedure"] = [_("Thủ tục %(code)s không còn áp dụng.") % {"code": procedure.code}]
    if not applicant_name.strip():
        errors["applicant_name"] = [_("Tên người nộp hồ sơ không được để trống.")]
    errors.update(citizens.contact_errors(
        applicant_phone, applicant_email, phone_field="applicant_phone", email_field="applicant_email",
        phone_label=_("Số điện thoại người nộp"), email_label=_("Thư điện tử người nộp"),
    ))
    day = local_day(at)
    if not unit.is_valid_on(day):
        errors["unit"] = [_("Đơn vị %(name)s không tồn tại vào ngày %(day)s.") % {"name": unit.name, "day": _fmt(day)}]
    code = code.strip()
    if code and Dossier.objects.filter(code=code).exists():
        errors["code"] = [_("Mã hồ sơ %(code)s đã có.") % {"code": code}]
    _raise(errors)
    d = Dossier(
        code=code or _new_code(unit, day),
        procedure=procedure,
        unit=unit,
        channel=channel,
        status=Status.RECEIVED,
        source=Source.NATIVE,
        applicant_name=applicant_name.strip(),
        applicant_phone=applicant_phone.strip(),
        applicant_address=applicant_address.strip(),
        applicant_email=(applicant_email or "").strip(),
        no_contact=bool(no_contact),
        received_on=day,
        received_at=at,
        due_on=appointment(procedure.processing_days, channel, day, timezone.localtime(at).time()),
        due_computed=True,
        current_body=_body_name(unit),
        current_step="Tiếp nhận hồ sơ",
        created_by=actor,
    )
    d.search = fold(f"{d.code} {d.applicant_name}")
    try:
        with transaction.atomic():
            d.save()
    except IntegrityError:
        raise ValidationError({"code": [_("Mã hồ sơ %(code)s đã có.") % {"code": d.code}]}) from None
    _event(d, EventKind.RECEIVE, at, actor, "", note)
    audit.record(actor=actor, action="receive", obj=d, after=audit.snapshot(d))
    return d


def _open_step(d: Dossier, *, body: Organisation | None, body_name: str, unit: AdminUnit | None, at: dt.datetime,
               days: int | None, task: str, sender_got: dt.datetime | None) -> DossierStep:
    last = d.steps.order_by("-seq").first()
    try:
        start = counted_from(at, on=d.received_on)
        transfer_due, rule = (None, "")
        if sender_got is not None:
            transfer_due, rule = transfer_deadline(sender_got, on=d.received_on)
    except RuleNotFound as e:  # received before the first one-stop rules the table holds
        raise ValidationError({"received_at": [str(e)]}) from None
    if days is None:
        days = max(1, calendar.working_days_between(start, d.effective_due_on))
    return DossierStep.objects.create(
        dossier=d,
        seq=(last.seq + 1) if last else 1,
        body=body,
        body_name=body_name,
        unit=unit,
        interlevel=unit is not None and unit.pk != d.unit_id,
        task=task,
        started_at=at,
        counts_from=start,
        days=days,
        due_on=calendar.add(start, days, working=True),
        transfer_due_on=transfer_due,
        due_rule=rule,
    )


def _close_open_step(d: Dossier, at: dt.datetime) -> DossierStep | None:
    step = current_step(d)
    if step is not None:
        if at < step.started_at:
            raise ValidationError({"at": [
                _("Thời điểm không được trước khi %(body_name)s nhận hồ sơ (%(value)s).") % {"body_name": step.body_name, "value": format(timezone.localtime(step.started_at), '%H:%M %d/%m/%Y')}
            ]})
        step.state = StepState.DONE
        step.finished_at = at
        step.save(update_fields=["state", "finished_at"])
    return step


def _check_days(days: int | None) -> None:
    if days is not None and (not isinstance(days, int) or days < 1 or days > 365):
        raise ValidationError({"days": [_("Số ngày làm việc được giao phải từ 1 đến 365.")]})


@transaction.atomic
def do_forward(
    *,
    actor: User,
    dossier: Dossier,
    body: Organisation,
    days: int | None = None,
    task: str = "",
    at: dt.datetime | None = None,
    note: str = "",
) -> Dossier:
    """Send the dossier to `body` for processing: the unit's own specialist (`start`) or a body of
    another level (*liên thông*, `transfer`). The new step's time counts from the day it arrives,
    or the next working day when it arrives after the cut-off hour (`dossier.cutoff_hour`); the
    transfer itself is due the day the sender got the dossier (the next working day if that was
    after the cut-off)."""
    d = _lock(dossier)
    interlevel = body.unit_id != d.unit_id
    action = EventKind.TRANSFER if interlevel else EventKind.START
    _check(actor, d, "forward")
    _check_days(days)
    at = _now(at)
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"at": [_("Thời điểm chuyển không được ở tương lai.")]})
    before = audit.snapshot(d, _TRACKED)
    previous = _close_open_step(d, at)
    sender_got = previous.started_at if previous is not None else (d.received_at or at)
    if at < sender_got:
        raise ValidationError({"at": [_("Thời điểm chuyển không được trước khi nhận hồ sơ.")]})
    step = _open_step(d, body=body, body_name=body.name, unit=body.unit, at=at, days=days, task=task,
                      sender_got=sender_got if interlevel or previous is not None else None)
    d.status = Status.PROCESSING
    d.current_body = body.name
    d.current_step = task or ("Xử lý liên thông" if interlevel else "Thẩm định, giải quyết")
    text = f"{body.name}, hạn {_fmt(step.due_on)}"
    if step.transferred_late:
        text += f" (chuyển chậm, hạn chuyển {_fmt(step.transfer_due_on)})"
    return _save(d, actor, action, at, before, f"{text}. {note}".strip(" ."))


@transaction.atomic
def do_step_done(*, actor: User, dossier: Dossier, at: dt.datetime | None = None, note: str = "") -> Dossier:
    """The body holding the dossier has finished its part and sends it back to the receiving
    unit's one-stop desk."""
    d = _lock(dossier)
    _check(actor, d, EventKind.STEP_DONE)
    at = _now(at)
    before = audit.snapshot(d, _TRACKED)
    step = _close_open_step(d, at)
    if step is None:
        raise ValidationError({"status": [_("Hồ sơ không có bước xử lý nào đang mở.")]})
    d.current_body = _body_name(d.unit)
    d.current_step = f"Nhận lại kết quả từ {step.body_name}"
    return _save(d, actor, EventKind.STEP_DONE, at, before, f"{step.body_name}. {note}".strip(" ."))


@transaction.atomic
def do_request_supplement(*, actor: User, dossier: Dossier, note: str, at: dt.datetime | None = None) -> Dossier:
    """Ask the applicant to complete the dossier, listing everything that is missing — as many
    times as `dossier.supplement_times` allows (once; the guard in `cases`)."""
    d = _lock(dossier)
    _check(actor, d, EventKind.REQUEST_SUPPLEMENT)
    at = _now(at)
    if not note.strip():
        raise ValidationError({"note": [_("Ghi rõ các giấy tờ, nội dung cần bổ sung.")]})
    before = audit.snapshot(d, _TRACKED)
    d.status = Status.SUPPLEMENT
    d.supplement_requested_on = local_day(at)
    d.supplement_note = note.strip()
    d.current_step = "Chờ công dân bổ sung hồ sơ"
    return _save(d, actor, EventKind.REQUEST_SUPPLEMENT, at, before, note)


def _paused_before(d: Dossier) -> int:
    """Working days of the earlier pauses for completion that have ended (request to
    supplement), which the clock did not run through. None unless the rule table allows more
    than one request."""
    paused, since = 0, None
    for kind, at in d.events.filter(kind__in=(EventKind.REQUEST_SUPPLEMENT, EventKind.SUPPLEMENTED)).order_by(
        "at", "id"
    ).values_list("kind", "at"):
        if kind == EventKind.REQUEST_SUPPLEMENT:
            since = local_day(at)
        elif since is not None:
            paused += calendar.working_days_between(since, local_day(at))
            since = None
    return paused


@transaction.atomic
def do_supplement(*, actor: User, dossier: Dossier, at: dt.datetime | None = None, note: str = "") -> Dossier:
    """The applicant brought the missing documents. The clock stopped while they were missing:
    the working days already spent count, and the rest runs from the day the complete dossier
    was received, so the appointment date moves by the pause."""
    d = _lock(dossier)
    _check(actor, d, EventKind.SUPPLEMENTED)
    at = _now(at)
    day = local_day(at)
    requested = d.supplement_requested_on or day
    if day < requested:
        raise ValidationError({"at": [_("Ngày bổ sung không được trước ngày yêu cầu bổ sung.")]})
    before = audit.snapshot(d, _TRACKED)
    old_due = d.due_on
    spent = max(0, calendar.working_days_between(dossier_counts_from(d), requested) - _paused_before(d))
    remaining = max(1, d.procedure.processing_days - spent)
    d.status = Status.PROCESSING if d.steps.exists() else Status.RECEIVED
    d.supplemented_on = day
    d.due_on = calendar.add(day, remaining, working=True)
    d.current_step = "Đã nhận đủ hồ sơ bổ sung"
    return _save(d, actor, EventKind.SUPPLEMENTED, at, before,
                 f"Hẹn trả {_fmt(old_due)} → {_fmt(d.due_on)}. {note}".strip(" ."))


@transaction.atomic
def do_apologise(
    *, actor: User, dossier: Dossier, reason: str, new_due_on: dt.date, at: dt.datetime | None = None
) -> Dossier:
    """Issue the apology for a dossier that will be late, with a new appointment date — as many
    times as `dossier.apology_times` allows (once), each at the latest one working day before the
    date the applicant was last given (`dossier.apology_before_due`, the guard in `cases`) and
    each moving it later."""
    d = _lock(dossier)
    at = _now(at)
    day = local_day(at)
    _check(actor, d, EventKind.APOLOGY, at)  # the number allowed, and a day before the date given
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Ghi rõ lý do chậm giải quyết.")]
    given = d.effective_due_on
    if not isinstance(new_due_on, dt.date):
        errors["new_due_on"] = [_("Ngày hẹn lại không hợp lệ.")]
    elif new_due_on <= given:
        errors["new_due_on"] = [_("Ngày hẹn lại phải sau ngày hẹn trả %(given)s.") % {"given": _fmt(given)}]
    elif not calendar.is_working_day(new_due_on):
        errors["new_due_on"] = [_("Ngày hẹn lại %(new_due_on)s không phải ngày làm việc.") % {"new_due_on": _fmt(new_due_on)}]
    _raise(errors)
    before = audit.snapshot(d, _TRACKED)
    d.apology_on = day
    d.apology_reason = reason.strip()
    d.new_due_on = new_due_on
    return _save(d, actor, EventKind.APOLOGY, at, before, f"Hẹn lại {_fmt(new_due_on)}: {reason.strip()}")


def _finish(actor: User, dossier: Dossier, kind: str, at: dt.datetime | None, note: str) -> Dossier:
    d = _lock(dossier)
    t = _check(actor, d, kind)
    at = _now(at)
    day = local_day(at)
    if day < d.received_on:
        raise ValidationError({"at": [_("Ngày có kết quả không được trước ngày tiếp nhận.")]})
    before = audit.snapshot(d, _TRACKED)
    _close_open_step(d, at)
    assert t.target is not None  # a result and a refusal both close the dossier
    d.status = t.target
    d.result_on = day
    d.timeliness = classify(day, d.due_on)
    d.current_body = _body_name(d.unit)
    d.current_step = "Chờ trả kết quả" if kind == EventKind.RESULT else "Đã từ chối giải quyết"
    return _save(d, actor, kind, at, before, note)


@transaction.atomic
def do_record_result(*, actor: User, dossier: Dossier, at: dt.datetime | None = None, note: str = "") -> Dossier:
    """The result is ready at the one-stop desk: the dossier is classed early, on time or late."""
    return _finish(actor, dossier, EventKind.RESULT, at, note)


@transaction.atomic
def do_refuse(*, actor: User, dossier: Dossier, reason: str, at: dt.datetime | None = None) -> Dossier:
    """The dossier is refused, with the written reason given to the applicant."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Ghi rõ lý do từ chối giải quyết.")]})
    return _finish(actor, dossier, EventKind.REFUSE, at, reason.strip())


@transaction.atomic
def do_return(
    *, actor: User, dossier: Dossier, method: str = ReturnMethod.DESK, at: dt.datetime | None = None, note: str = ""
) -> Dossier:
    """Hand the result to the applicant at the desk, by public post (when the procedure allows
    it), or online."""
    d = _lock(dossier)
    _check(actor, d, EventKind.RETURN)
    at = _now(at)
    day = local_day(at)
    errors: dict[str, list[str]] = {}
    if method not in ReturnMethod.values:
        errors["method"] = [_("Hình thức trả kết quả phải là tại Bộ phận Một cửa, bưu chính hoặc trực tuyến.")]
    elif method == ReturnMethod.POST and not d.procedure.postal_return:
        errors["method"] = [_("Thủ tục %(code)s không trả kết quả qua bưu chính.") % {"code": d.procedure.code}]
    if d.result_on and day < d.result_on:
        errors["at"] = [_("Ngày trả không được trước ngày có kết quả %(result_on)s.") % {"result_on": _fmt(d.result_on)}]
    _raise(errors)
    before = audit.snapshot(d, _TRACKED)
    d.status = Status.RETURNED
    d.returned_on = day
    d.return_method = method
    d.current_step = "Đã trả kết quả"
    return _save(d, actor, EventKind.RETURN, at, before, f"{recorded(ReturnMethod(method).label)}. {note}".strip(" ."))


@transaction.atomic
def do_withdraw(*, actor: User, dossier: Dossier, note: str = "", at: dt.datetime | None = None) -> Dossier:
    """The applicant withdraws the dossier (with a written request)."""
    d = _lock(dossier)
    _check(actor, d, EventKind.WITHDRAW)
    at = _now(at)
    before = audit.snapshot(d, _TRACKED)
    _close_open_step(d, at)
    d.status = Status.WITHDRAWN
    d.current_step = "Công dân rút hồ sơ"
    return _save(d, actor, EventKind.WITHDRAW, at, before, note)


AUDIT_ACTIONS: dict[str, str] = {
    EventKind.RECEIVE: "receive",
    EventKind.START: "transfer",
    EventKind.TRANSFER: "transfer",
    EventKind.STEP_DONE: "step_done",
    EventKind.REQUEST_SUPPLEMENT: "request_supplement",
    EventKind.SUPPLEMENTED: "supplemented",
    EventKind.APOLOGY: "apology",
    EventKind.RESULT: "result",
    EventKind.REFUSE: "refuse",
    EventKind.RETURN: "return_result",
    EventKind.WITHDRAW: "withdraw",
}

__all__ = [
    "OPEN_STATUSES", "allowed_actions", "appointment", "counted_from", "current_step", "cutoff",
    "do_apologise", "do_forward", "do_receive_dossier", "do_record_result", "do_refuse", "do_request_supplement",
    "do_return", "do_save_procedure", "do_step_done", "do_supplement", "do_withdraw", "dossier_counts_from",
    "office_hours_end", "receipt_counts_from", "transfer_deadline",
]
