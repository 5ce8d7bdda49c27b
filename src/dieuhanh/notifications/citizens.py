"""Citizens hear back (docs/decisions/0030): with the e-mail or phone they gave, a petitioner is
told of the receipt, the acceptance (thụ lý) or transfer (chuyển đơn) and the result of their
petition, an applicant of the receipt of their dossier, its result and an apology letter's new
date — each message with the case's lookup code and the link to the public lookup page, and
nothing the lookup page does not show (no name, no officer, no content).

The petitions' and dossiers' services call `petition_step()` and `dossier_event()` once per step
they record, inside their transaction: the messages are logged (`CitizenMessage`, once per event
and channel by its key) and handed to the queue after the commit (`tasks.send_citizen_message`).
Nothing is logged or sent when the citizen asked not to be contacted, gave no address, or when
the step was recorded after the fact (older than `STALE_DAYS`: a register typed in later is
history, not news).

Text messages are plain Vietnamese without diacritics (`unaccent`), at most 160 GSM-7
characters: a message with a single Vietnamese letter is sent as UCS-2, where one SMS holds 70
characters, so the same news would cost three SMS; unaccented SMS is what banks and public
services in Vietnam send. E-mails keep the diacritics.

A denouncer's contact is part of their protected identity: it is read here only to send to that
same person (`confidentiality.decrypt_for_system`), the log keeps it masked, and no message goes
to anyone else."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dieuhanh.notifications.choices import Channel
from dieuhanh.notifications.models import CitizenMessage

PETITION, DOSSIER = "petitions.petition", "dossiers.dossier"
STALE_DAYS = 7
SMS_LIMIT = 160  # GSM-7 characters in one message

# --- contact data: validation ------------------------------------------------------------------

_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"^(?:\+?84|0)\d{9,10}$")
_MOBILE = re.compile(r"^0[35789]\d{8}$")


def phone_digits(text: str | None) -> str:
    """The phone as digits with a leading 0 ("+84 912 345 678" → "0912345678"), or "" when
    it is not a Vietnamese number."""
    raw = _PHONE_PUNCTUATION.sub("", text or "")
    if not _PHONE.match(raw):
        return ""
    if raw.startswith("+84"):
        return "0" + raw[3:]
    if raw.startswith("84") and len(raw) >= 11:
        return "0" + raw[2:]
    return raw


def mobile_number(text: str | None) -> str:
    """The phone as a mobile number a text message can reach ("0912345678"), or ""."""
    digits = phone_digits(text)
    return digits if _MOBILE.match(digits) else ""


def contact_errors(phone: str | None, email: str | None, *, phone_field: str = "phone",
                   email_field: str = "email", phone_label: str | None = None,
                   email_label: str | None = None) -> dict[str, list[str]]:
    """Vietnamese messages for a phone or e-mail that is given but not usable, by field."""
    errors: dict[str, list[str]] = {}
    phone = (phone or "").strip()
    if phone and not phone_digits(phone):
        errors[phone_field] = [_("%(label)s «%(value)s» không đúng dạng số điện thoại Việt Nam: ghi số di động hoặc "
                                 "cố định, ví dụ 0912 345 678 hoặc +84 912 345 678.")
                               % {"label": phone_label or _("Điện thoại"), "value": phone[:30]}]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors[email_field] = [_("%(label)s «%(value)s» không đúng dạng, ví dụ ten@example.vn.")
                                   % {"label": email_label or _("Thư điện tử"), "value": email[:80]}]
    return errors


# --- text ------------------------------------------------------------------------------------------

# GSM 03.38: these take two characters (an escape and the character) in a 7-bit message.
_GSM_EXTENDED = set("^{}\\[~]|€")


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Đơn số 12" → "Don so 12")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def gsm_length(text: str) -> int | None:
    """The length of `text` in a GSM-7 message, or None when it needs UCS-2 (a character
    outside the GSM alphabet's ASCII part)."""
    if any(ord(ch) > 126 or (ord(ch) < 32 and ch != "\n") for ch in text):
        return None
    return sum(2 if ch in _GSM_EXTENDED else 1 for ch in text)


def lookup_link(code: str) -> str:
    return f"{settings.DIEUHANH_SITE_URL.rstrip('/')}{reverse('public_lookup')}?{urlencode({'code': code})}"


def grouped(code: str) -> str:
    from dieuhanh.core import lookup

    return lookup.grouped(code)


def _fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def sms_text(variants: list[str], code: str) -> str:
    """The first variant (unaccented) that fits one SMS with the link; without the link when even
    the shortest does not (the code alone still opens the lookup page)."""
    link = lookup_link(code)
    for variant in variants:
        text = f"{unaccent(variant)} {link}"
        if (gsm_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT:
            return text
    return unaccent(variants[-1])[:SMS_LIMIT]


# --- the cases ----------------------------------------------------------------------------------------


@dataclass
class Contact:
    email: str
    phone: str
    no_contact: bool


@dataclass
class News:
    """One event to tell a citizen: the e-mail's subject and text, the SMS's variants."""

    event: str
    subject: str
    text: str
    sms: list[str]


def petition_contact(p: Any) -> Contact:
    from dieuhanh.petitions import confidentiality

    identity = confidentiality.decrypt_for_system(p) if p.identity_enc else {}
    return Contact(email=str(identity.get("email") or "").strip(), phone=str(identity.get("phone") or "").strip(),
                   no_contact=bool(p.no_contact or p.is_anonymous))


def dossier_contact(d: Any) -> Contact:
    return Contact(email=(d.applicant_email or "").strip(), phone=(d.applicant_phone or "").strip(),
                   no_contact=bool(d.no_contact))


def petition_news(p: Any, action: str, on: dt.date) -> News | None:
    from dieuhanh.petitions.choices import Action

    code = grouped(p.receipt_code)
    n, day = p.number, _fmt(on)
    if action == Action.RECEIVE:
        return News("receipt", f"Đơn số {n}: đã tiếp nhận", f"Đã tiếp nhận đơn số {n} ngày {day}. Mã tra cứu {code}.",
                    [f"Da tiep nhan don so {n} ngay {day}. Ma tra cuu {code}. Theo doi:",
                     f"Da nhan don {n}. Ma tra cuu {code}."])
    if action == Action.ACCEPT:
        return News("accepted", f"Đơn số {n}: đã thụ lý", f"Đơn số {n} đã được thụ lý giải quyết ngày {day}. "
                    f"Mã tra cứu {code}.",
                    [f"Don so {n} da duoc thu ly giai quyet ngay {day}. Ma tra cuu {code}. Xem:",
                     f"Don {n} da thu ly. Ma tra cuu {code}."])
    if action == Action.TRANSFER:
        return News("transferred", f"Đơn số {n}: đã chuyển cơ quan có thẩm quyền",
                    f"Đơn số {n} đã được chuyển đến cơ quan có thẩm quyền giải quyết ngày {day}. Mã tra cứu {code}.",
                    [f"Don so {n} da duoc chuyen den co quan co tham quyen ngay {day}. Ma tra cuu {code}. Xem:",
                     f"Don {n} da chuyen co quan co tham quyen. Ma tra cuu {code}."])
    if action == Action.CONCLUDE:
        return News("result", f"Đơn số {n}: đã có kết quả giải quyết",
                    f"Đơn số {n} đã có kết quả giải quyết ngày {day}. Mã tra cứu {code}. Ông/bà có thể xem kết quả "
                    "và đánh giá mức độ hài lòng trên trang tra cứu.",
                    [f"Don so {n} da co ket qua giai quyet ngay {day}. Ma tra cuu {code}. Xem va danh gia:",
                     f"Don {n} da co ket qua. Ma tra cuu {code}."])
    return None


def dossier_news(d: Any, kind: str, on: dt.date) -> News | None:
    from dieuhanh.dossiers.choices import EventKind

    if not d.lookup_code:
        return None
    code, c = grouped(d.lookup_code), d.code
    if kind == EventKind.RECEIVE:
        due = _fmt(d.due_on)
        return News("receipt", f"Hồ sơ {c}: đã tiếp nhận",
                    f"Đã tiếp nhận hồ sơ {c} ngày {_fmt(on)}, hẹn trả kết quả ngày {due}. Mã tra cứu {code}.",
                    [f"Da tiep nhan ho so {c}, hen tra {due}. Ma tra cuu {code}. Theo doi:",
                     f"Da nhan ho so, hen tra {due}. Ma tra cuu {code}."])
    if kind in (EventKind.RESULT, EventKind.REFUSE):
        return News("result", f"Hồ sơ {c}: đã có kết quả",
                    f"Hồ sơ {c} đã có kết quả giải quyết ngày {_fmt(on)}. Mã tra cứu {code}. Ông/bà có thể xem "
                    "và đánh giá mức độ hài lòng trên trang tra cứu.",
                    [f"Ho so {c} da co ket qua ngay {_fmt(on)}. Ma tra cuu {code}. Xem va danh gia:",
                     f"Ho so da co ket qua. Ma tra cuu {code}."])
    if kind == EventKind.APOLOGY:
        new = _fmt(d.new_due_on)
        return News("apology", f"Hồ sơ {c}: xin lỗi và hẹn lại ngày trả kết quả",
                    f"Hồ sơ {c} chậm so với ngày hẹn; cơ quan xin lỗi ông/bà và hẹn lại ngày trả kết quả {new}. "
                    f"Mã tra cứu {code}.",
                    [f"Ho so {c} cham so voi hen, xin loi ong/ba; hen lai {new}. Ma tra cuu {code}. Xem:",
                     f"Ho so cham hen, xin loi ong/ba; hen lai {new}. Ma tra cuu {code}."])
    return None


# --- masking, queueing ---------------------------------------------------------------------------------


def mask(channel: str, destination: str) -> str:
    """What the log keeps of an address: "091****678", "k***@example.vn"."""
    if channel == Channel.SMS:
        return destination[:3] + "*" * max(len(destination) - 6, 0) + destination[-3:]
    local, _at, domain = destination.partition("@")
    return f"{local[:1]}***@{domain}"


def _stale(on: dt.date) -> bool:
    return on < timezone.localdate() - dt.timedelta(days=STALE_DAYS)


def queue_news(case_type: str, case: Any, news: News, contact: Contact, unit_id: int | None, code: str) -> list[int]:
    """Log the messages of `news` for each channel the citizen can be reached on (once per key)
    and queue them after the commit. Returns the ids of the messages added now."""
    if contact.no_contact:
        return []
    rows = []
    if contact.email and not contact_errors(None, contact.email):
        rows.append(CitizenMessage(
            case_type=case_type, case_id=case.pk, unit_id=unit_id, event=news.event, channel=Channel.EMAIL,
            destination=mask(Channel.EMAIL, contact.email)[:120], subject=news.subject[:200],
            text=f"{news.text}\n\n{lookup_link(code)}", key=f"{case_type}:{case.pk}:{news.event}:email",
        ))
    if (phone := mobile_number(contact.phone)) and settings.DIEUHANH_SMS_BACKEND:
        rows.append(CitizenMessage(
            case_type=case_type, case_id=case.pk, unit_id=unit_id, event=news.event, channel=Channel.SMS,
            destination=mask(Channel.SMS, phone), text=sms_text(news.sms, code),
            key=f"{case_type}:{case.pk}:{news.event}:sms",
        ))
    if not rows:
        return []
    have = set(CitizenMessage.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    rows = [r for r in rows if r.key not in have]
    with transaction.atomic():
        CitizenMessage.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(CitizenMessage.objects.filter(key__in=[r.key for r in rows], attempts=0).values_list("pk", flat=True))
    if ids:
        from dieuhanh.notifications import tasks

        def enqueue() -> None:
            for pk in ids:
                tasks.send_citizen_message.enqueue(pk)

        transaction.on_commit(enqueue)
    return ids


def petition_step(p: Any, action: str, on: dt.date) -> list[int]:
    """Called by `petitions.services._step` for each step recorded."""
    if p.no_contact or p.is_anonymous or _stale(on):
        return []
    news = petition_news(p, action, on)
    if news is None:
        return []
    return queue_news(PETITION, p, news, petition_contact(p), p.unit_id, p.receipt_code)


def dossier_event(d: Any, kind: str, at: dt.datetime) -> list[int]:
    """Called by `dossiers.services._event` for each event recorded."""
    on = timezone.localtime(at).date() if timezone.is_aware(at) else at.date()
    if d.no_contact or _stale(on):
        return []
    news = dossier_news(d, kind, on)
    if news is None:
        return []
    return queue_news(DOSSIER, d, news, dossier_contact(d), d.unit_id, d.lookup_code)


# --- sending (the queued job's work) ------------------------------------------------------------------


def destination_of(message: CitizenMessage) -> tuple[str, str]:
    """The address to send `message` to, read from its case now, and why not ("" and a reason)
    when the citizen has since asked for no contact or removed the address."""
    from dieuhanh.dossiers.models import Dossier
    from dieuhanh.petitions.models import Petition

    if message.case_type == PETITION:
        p = Petition.objects.filter(pk=message.case_id).first()
        contact = petition_contact(p) if p is not None else None
    else:
        d = Dossier.objects.filter(pk=message.case_id).first()
        contact = dossier_contact(d) if d is not None else None
    if contact is None:
        return "", "Không còn đơn, hồ sơ."
    if contact.no_contact:
        return "", "Công dân đã chọn không nhận tin."
    address = contact.email if message.channel == Channel.EMAIL else mobile_number(contact.phone)
    if not address:
        return "", "Không còn địa chỉ để gửi."
    return address, ""


def deliver(message: CitizenMessage, address: str) -> str:
    """Send `message` to `address` on its channel; raises on failure. Returns the gateway's id."""
    if message.channel == Channel.EMAIL:
        from django.core.mail import EmailMessage

        EmailMessage(subject=message.subject, body=message.text, to=[address]).send()
        return ""
    from dieuhanh.notifications import sms

    backend = sms.backend()
    if backend is None:
        raise sms.SmsError("Chưa bật gửi SMS (DIEUHANH_SMS_BACKEND).")
    return backend.send(address, message.text)
