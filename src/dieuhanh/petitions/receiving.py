"""Receiving petitions: reception sessions, a petition received at the desk, by post, online or at
a session, transferred in, or filed by a citizen without an account, and a second-time complaint
filed with the superior body. Each goes through a `do_*` function that validates with Vietnamese
messages naming the field, checks the actor's role over the receiving unit, and writes the
petition, its first history step and its audit event in one transaction. The workflow that
follows is in `services`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dieuhanh.core import access, audit, lookup
from dieuhanh.core.http import AnyUser
from dieuhanh.core.i18n import recorded
from dieuhanh.notifications import citizens
from dieuhanh.org import geo
from dieuhanh.org.models import AdminUnit, Organisation, Person, User
from dieuhanh.petitions import confidentiality, crypto, deadlines, uploads
from dieuhanh.petitions.choices import Action, Channel, Field, Kind, SessionKind, State
from dieuhanh.petitions.confidentiality import IDENTITY_KEYS
from dieuhanh.petitions.models import Attachment, Petition, ReceptionSession
from dieuhanh.petitions.services import _fmt, _raise, _step


def _identity(data: dict[str, Any] | None) -> dict[str, Any]:
    data = data or {}
    out: dict[str, Any] = {}
    for key in IDENTITY_KEYS:
        value = data.get(key)
        if key == "co_signers":
            out[key] = [str(v).strip() for v in (value or []) if str(v).strip()]
        else:
            out[key] = str(value or "").strip()
    return out


# --- reception sessions ----------------------------------------------------------------------


@transaction.atomic
def do_create_session(
    *, actor: User, kind: str, unit: AdminUnit | None, held_on: dt.date | None, place: str, host: Person | None = None,
    host_title: str = "", attendees: str = "", citizens_count: int = 0, matters: str = "", answers: str = "",
) -> ReceptionSession:
    errors: dict[str, list[str]] = {}
    if kind not in SessionKind.values:
        errors["kind"] = [_("Chọn hình thức tiếp: định kỳ, đột xuất hoặc đối thoại trực tiếp.")]
    if unit is None:
        errors["unit"] = [_("Thiếu đơn vị tổ chức buổi tiếp.")]
    if held_on is None:
        errors["held_on"] = [_("Thiếu ngày tiếp.")]
    elif held_on > timezone.localdate():
        errors["held_on"] = [_("Ngày tiếp (%(held_on)s) chưa đến: chỉ ghi buổi tiếp đã diễn ra.") % {"held_on": _fmt(held_on)}]
    if not (place or "").strip():
        errors["place"] = [_("Thiếu địa điểm tiếp.")]
    if host is None and not host_title.strip():
        errors["host"] = [_("Thiếu người chủ trì buổi tiếp.")]
    if citizens_count < 0:
        errors["citizens_count"] = [_("Số lượt công dân không được âm.")]
    _raise(errors)
    assert unit is not None and held_on is not None  # their absence was raised above
    if not access.may(actor, "petitions", "receive", unit.pk):
        raise PermissionDenied(_("Bạn không có quyền ghi buổi tiếp công dân của đơn vị này."))
    session = ReceptionSession.objects.create(
        kind=kind, unit=unit, held_on=held_on, host=host, host_title=host_title.strip(), place=place.strip(),
        attendees=attendees.strip(), citizens_count=citizens_count, matters=matters.strip(), answers=answers.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor=actor, action="create", obj=session, after=audit.snapshot(session))
    return session


# --- receiving --------------------------------------------------------------------------------


# The longest texts a petition takes (characters). A petition of many pages is received as its
# scans (attachments); the content is what the register and the handlers read.
CONTENT_MAX = 20_000
SUBJECT_MAX = 300
PLACE_MAX = 300


def _n(number: int) -> str:
    """A count as Vietnamese writes it: 20.000."""
    return f"{number:,}".replace(",", ".")


def _location_question(unit: AdminUnit, lat: float, lon: float) -> str | None:
    """Why a point far from the chosen ward is questioned (org.geo), or None when it is not."""
    far = geo.far_from(unit, lat, lon)
    if far is None:
        return None
    return _(
        "Vị trí đã chọn cách trung tâm %(name)s khoảng %(distance)s km, xa hơn phạm vi thường thấy của %(name)s "
        "(khoảng %(radius)s km). Kiểm tra lại phường, xã đã chọn hoặc vị trí; nếu đúng, đánh dấu «Tôi xác nhận vị "
        "trí này đúng» rồi gửi lại."
    ) % {"name": unit.name, "distance": f"{far.distance_km:.1f}".replace(".", ","),
         "radius": f"{far.radius_km:.1f}".replace(".", ",")}


def _validate_new(
    *, kind: str, field: str, channel: str, subject: str, content: str, unit: AdminUnit | None,
    received_on: dt.date | None, dated_on: dt.date | None, identity: dict[str, Any], is_anonymous: bool,
    signer_count: int, lat: float | None, lon: float | None, place: str = "", location_confirmed: bool = True,
    file_errors: list[str] | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if file_errors:
        errors["attachments"] = list(file_errors)
    today = timezone.localdate()
    if kind not in Kind.values:
        errors["kind"] = [_("Phân loại đơn phải là khiếu nại, tố cáo, kiến nghị, phản ánh hoặc đơn nhiều nội dung.")]
    if field not in Field.values:
        errors["field"] = [_("Lĩnh vực không hợp lệ.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Nguồn đơn không hợp lệ.")]
    if not (content or "").strip():
        errors["content"] = [_("Thiếu nội dung đơn: ghi rõ sự việc, yêu cầu của người gửi.")]
    elif len(content.strip()) < 10:
        errors["content"] = [_("Nội dung đơn quá ngắn (dưới 10 ký tự): ghi rõ sự việc, yêu cầu của người gửi.")]
    elif len(content.strip()) > CONTENT_MAX:
        errors["content"] = [_("Nội dung đơn dài quá %(CONTENT_MAX)s ký tự (hiện %(len)s ký tự): tóm tắt sự việc, yêu cầu; giấy tờ dài gửi kèm dưới dạng tệp đính kèm.") % {"CONTENT_MAX": _n(CONTENT_MAX), "len": _n(len(content.strip()))}]
    if subject and len(subject) > SUBJECT_MAX:
        errors["subject"] = [_("Tóm tắt nội dung dài quá %(SUBJECT_MAX)s ký tự (hiện %(len)s ký tự).") % {"SUBJECT_MAX": SUBJECT_MAX, "len": _n(len(subject))}]
    if len(place.strip()) > PLACE_MAX:
        errors["place"] = [_("Địa điểm vụ việc dài quá %(PLACE_MAX)s ký tự (hiện %(len)s ký tự).") % {"PLACE_MAX": PLACE_MAX, "len": _n(len(place.strip()))}]
    if unit is None:
        errors["unit"] = [_("Thiếu nơi phát sinh vụ việc (phường, xã).")]
    if received_on is None:
        errors["received_on"] = [_("Thiếu ngày nhận đơn.")]
    elif received_on > today:
        errors["received_on"] = [_("Ngày nhận đơn (%(received_on)s) không được sau ngày hôm nay.") % {"received_on": _fmt(received_on)}]
    if dated_on and received_on and dated_on > received_on:
        errors["dated_on"] = [_("Ngày ghi trên đơn (%(dated_on)s) sau ngày nhận đơn (%(received_on)s).") % {"dated_on": _fmt(dated_on), "received_on": _fmt(received_on)}]
    if not is_anonymous and not identity.get("name"):
        errors["name"] = [_("Thiếu họ tên người gửi đơn (đơn không ghi tên là đơn nặc danh: đánh dấu nặc danh).")]
    if signer_count < 1:
        errors["signer_count"] = [_("Số người ký đơn ít nhất là 1.")]
    errors.update(citizens.contact_errors(identity.get("phone"), identity.get("email")))
    if (lat is None) != (lon is None):
        errors["lat"] = [_("Vị trí cần cả vĩ độ và kinh độ.")]
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = [_("Vĩ độ phải trong khoảng −90 đến 90.")]
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = [_("Kinh độ phải trong khoảng −180 đến 180.")]
    if (unit is not None and lat is not None and lon is not None and not location_confirmed
            and "lat" not in errors and "lon" not in errors
            and (question := _location_question(unit, lat, lon))):
        errors["lat"] = [question]
    _raise(errors)


def _next_seq(receiving_unit: AdminUnit, year: int) -> int:
    top = Petition.objects.filter(receiving_unit=receiving_unit, year=year).aggregate(m=Max("seq"))["m"]
    return (top or 0) + 1


def do_receive_petition(
    *, actor: AnyUser | None, kind: str, content: str, unit: AdminUnit | None, received_on: dt.date | None = None,
    receiving_unit: AdminUnit | None = None, channel: str = Channel.DESK, field: str = Field.OTHER,
    subject: str = "", respondent: str = "", identity: dict[str, Any] | None = None, is_anonymous: bool = False,
    signer_count: int = 1, dated_on: dt.date | None = None, session: ReceptionSession | None = None,
    transferred_from: str = "", against_party_member: bool = False, place: str = "", lat: float | None = None,
    lon: float | None = None, handling_org: Organisation | None = None, confidential: bool = False,
    attachments: list[tuple[str, str, bytes]] | None = None, public: bool = False, previous: Petition | None = None,
    decision_known_on: dt.date | None = None,
    location_confirmed: bool | None = None, no_contact: bool = False,
) -> Petition:
    """Record a petition received at the desk, by post, online, at a session, or transferred in.
    `public=True` is a citizen filing online without an account (actor None): then the unit
    itself is the receiving unit and no role is required, only the files a citizen may send are
    taken (`uploads`), and a map point far from the chosen unit is questioned (`org.geo`) until
    `location_confirmed`. `previous` is the first-time complaint a second-time one follows
    (`do_second_complaint`). Attachments are stored encrypted, with the type read from their
    content."""
    received_on = received_on or timezone.localdate()
    identity = _identity(identity)
    subject = (subject or "").strip() or " ".join((content or "").split())[:120]
    attachments, file_errors = uploads.checked(attachments or [], public=public)
    _validate_new(
        kind=kind, field=field, channel=channel, subject=subject, content=content, unit=unit, received_on=received_on,
        dated_on=dated_on, identity=identity, is_anonymous=is_anonymous, signer_count=signer_count, lat=lat, lon=lon,
        place=place or "", file_errors=file_errors,
        location_confirmed=(not public) if location_confirmed is None else location_confirmed,
    )
    if decision_known_on is not None and decision_known_on > received_on:
        raise ValidationError({"decision_known_on": [
            _("Ngày nhận được hoặc biết được quyết định, hành vi bị khiếu nại (%(decision_known_on)s) không được sau ngày nhận đơn (%(received_on)s).") % {"decision_known_on": _fmt(decision_known_on), "received_on": _fmt(received_on)}
        ]})
    receiving_unit = receiving_unit or unit
    if not public and not access.may(actor, "petitions", "receive", receiving_unit.pk):  # type: ignore[union-attr]
        raise PermissionDenied(_("Bạn không có quyền tiếp nhận đơn cho đơn vị này."))
    if session is not None and session.unit_id != receiving_unit.pk:  # type: ignore[union-attr]
        raise ValidationError({"session": [_("Buổi tiếp thuộc đơn vị khác với đơn vị tiếp nhận đơn.")]})
    for attempt in range(3):
        try:
            with transaction.atomic():
                p = Petition(
                    receipt_code=lookup.new_code(), year=received_on.year,
                    seq=_next_seq(receiving_unit, received_on.year),  # type: ignore[arg-type]
                    channel=channel, session=session, received_on=received_on, dated_on=dated_on, kind=kind,
                    field=field, subject=subject, content=content.strip(), respondent=respondent.strip(),
                    against_party_member=against_party_member, unit=unit, receiving_unit=receiving_unit,
                    handling_org=handling_org, place=place.strip(), lat=lat, lon=lon, signer_count=signer_count,
                    is_anonymous=is_anonymous, no_contact=bool(no_contact), transferred_from=transferred_from.strip(),
                    confidential=confidential or confidentiality.contains_denunciation(kind),
                    level=2 if previous is not None else 1, previous=previous,
                    remote=previous.remote if previous is not None else False, decision_known_on=decision_known_on,
                    identity_enc=crypto.encrypt_json(identity),
                    created_by=actor if actor is not None and actor.is_authenticated else None,
                )
                p.refresh_search_text(identity)
                deadlines.refresh(p)
                p.save()
                for name, content_type, data in attachments or []:
                    Attachment.objects.create(
                        petition=p, name_enc=crypto.encrypt_bytes(name.encode()).decode(),
                        content_type=content_type or "application/octet-stream", size=len(data),
                        data_enc=crypto.encrypt_bytes(data),
                    )
                from dieuhanh.petitions import detection

                detection.flag_new(p, identity, not_repeat_of=previous.pk if previous is not None else None)
                _step(p, actor, Action.RECEIVE, received_on, "", note=recorded(Channel(channel).label))
                return p
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def second_complaint_limit(previous: Petition, received_decision_on: dt.date | None = None) -> dt.date | None:
    """The last day to file a second-time complaint against `previous`: 30 days (45 remote) from
    the day the complainant received the first-time decision (`received_decision_on`; unknown: the
    day it was sent), or from the last day of the first-time period when no decision was issued
    (Law on Complaints Art 33). None while a decision is issued but not yet sent."""
    if received_decision_on is not None:
        start: dt.date | None = received_decision_on
    elif previous.concluded_on is not None:
        start = previous.decision_sent_on
    else:
        start = previous.resolve_due_on
    if start is None:
        return None
    return deadlines.file_limit_for(start, 2, previous.remote)[0]


def do_second_complaint(
    *, actor: User, previous: Petition, content: str, receiving_unit: AdminUnit, received_on: dt.date | None = None,
    channel: str = Channel.DESK, handling_org: Organisation | None = None, decision_received_on: dt.date | None = None,
) -> Petition:
    """A second-time complaint against the first-time decision (or its missed deadline), filed with
    the superior body. `decision_received_on` is the day the complainant received the first-time
    decision (the 30/45 days of Art 33 count from it; unknown, from the day the decision was sent).
    Recorded even when late: a late one is flagged time-barred (`Petition.time_barred`), shown with
    its article and refused at acceptance unless an objective obstacle is recorded (Art 9)."""
    previous = Petition.objects.get(pk=previous.pk)  # as stored now (made confidential since?)
    if previous.kind != Kind.COMPLAINT or previous.level != 1:
        raise ValidationError({"previous": [_("Chỉ khiếu nại lần đầu mới có khiếu nại lần hai.")]})
    received_on = received_on or timezone.localdate()
    overdue_first = previous.state in (State.ACCEPTED, State.VERIFYING) and previous.resolve_due_on and (
        previous.resolve_due_on < received_on
    )
    if previous.state not in (State.CONCLUDED, State.RESOLVED) and not overdue_first:
        raise ValidationError({"previous": [
            _("Chưa có quyết định giải quyết lần đầu và chưa hết thời hạn giải quyết lần đầu: chưa thể khiếu nại lần hai.")
        ]})
    if decision_received_on is not None:
        if previous.concluded_on is None:
            raise ValidationError({"decision_received_on": [
                _("Khiếu nại lần đầu chưa có quyết định giải quyết: không ghi ngày nhận quyết định.")
            ]})
        if not previous.concluded_on <= decision_received_on <= received_on:
            raise ValidationError({"decision_received_on": [
                _("Ngày nhận quyết định giải quyết lần đầu (%(decision_received_on)s) phải từ ngày ra quyết định (%(concluded_on)s) đến ngày nhận khiếu nại lần hai (%(received_on)s).") % {"decision_received_on": _fmt(decision_received_on), "concluded_on": _fmt(previous.concluded_on), "received_on": _fmt(received_on)}
            ]})
    identity = crypto.decrypt_json(previous.identity_enc)
    with transaction.atomic():
        p = do_receive_petition(
            actor=actor, kind=Kind.COMPLAINT, content=content, unit=previous.unit, received_on=received_on,
            receiving_unit=receiving_unit, channel=channel, field=previous.field, subject=previous.subject,
            respondent=previous.decision_number or previous.respondent, identity=identity,
            signer_count=previous.signer_count, handling_org=handling_org, place=previous.place,
            confidential=previous.confidential, previous=previous, decision_known_on=decision_received_on,
            no_contact=previous.no_contact,
        )
        p.confidential_reason = previous.confidential_reason
        # Filed with the superior body by law, so never "over the competent level".
        p.is_over_level = False
        p.flag_notes = "" if p.duplicate_of_id is None else p.flag_notes
        limit = deadlines.file_limit(p)
        if limit is None:
            note = "chưa tính được hạn gửi (quyết định lần đầu chưa gửi)"
        else:
            since = "ngày nhận quyết định" if decision_received_on else (
                "ngày gửi quyết định" if previous.concluded_on else "ngày hết thời hạn giải quyết lần đầu")
            note = f"hạn gửi {_fmt(limit.due_on)} ({limit.rule.value_text} kể từ {since} {_fmt(limit.start)}, " \
                   f"{limit.rule.citation})"
            if limit.late:
                note += "; quá thời hiệu"
        _step(p, actor, Action.SECOND_COMPLAINT, p.received_on, p.state,
              note=f"Khiếu nại lần hai đối với đơn số {previous.number}; {note}.")
        return p
