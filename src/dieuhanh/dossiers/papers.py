"""The one-stop desk's formal documents (core/papers): the receipt and appointment slip (*Giấy
tiếp nhận hồ sơ và hẹn trả kết quả*) on one A4 page, with a QR code that opens the dossier's public
lookup, and the apology with the new date (*Phiếu xin lỗi và hẹn lại ngày trả kết quả*), from
the forms of Circular 01/2018/TT-VPCP (Mẫu 01 and Mẫu 04), which the desk still uses under Decree
118/2025/NĐ-CP. Both are found by the dossier's code."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from qrcode.image.pure import PyPNGImage

from dieuhanh.core import lookup
from dieuhanh.core.papers import issuers
from dieuhanh.core.papers.kinds import PaperKind
from dieuhanh.core.papers.paper import Image, Issuer, Paper, Signature, Text
from dieuhanh.core.templatetags.dieuhanh import vn_date, vn_money
from dieuhanh.dossiers.choices import EventKind
from dieuhanh.dossiers.models import Dossier
from dieuhanh.org.choices import OrganisationKind
from dieuhanh.org.models import Organisation

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

RECEIPT = PaperKind(
    key="giay-tiep-nhan-ho-so",
    label=gettext_lazy("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    renders="Giấy tiếp nhận hồ sơ và hẹn trả kết quả (một trang A4, mã QR tra cứu) của một hồ sơ (ID: mã hồ sơ)",
    find="dieuhanh.dossiers.papers.find_dossier",
    build="dieuhanh.dossiers.papers.receipt",
    permission=("dossiers", "view"),
    ident="mã hồ sơ",
    example="dieuhanh.dossiers.papers.example_dossier",
)
APOLOGY = PaperKind(
    key="phieu-xin-loi",
    label=gettext_lazy("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    renders="Phiếu xin lỗi và hẹn lại ngày trả kết quả của một hồ sơ trễ hẹn đã có văn bản xin lỗi (ID: mã hồ sơ)",
    find="dieuhanh.dossiers.papers.find_late_dossier",
    build="dieuhanh.dossiers.papers.apology",
    permission=("dossiers", "view"),
    ident="mã hồ sơ",
    example="dieuhanh.dossiers.papers.example_late_dossier",
)

DESK = "Bộ phận tiếp nhận và trả kết quả"


def _newest(user: AnyUser | None, **late: Any) -> str | None:
    dossiers = Dossier.objects.all() if user is None else Dossier.objects.visible_to(user)
    return dossiers.filter(**late).order_by("-received_on", "-id").values_list("code", flat=True).first()


def example_dossier(user: AnyUser | None) -> str | None:
    return _newest(user)


def example_late_dossier(user: AnyUser | None) -> str | None:
    return _newest(user, apology_on__isnull=False)


def find_dossier(ident: str, user: AnyUser | None) -> Dossier | None:
    dossiers = Dossier.objects.all() if user is None else Dossier.objects.visible_to(user)
    return dossiers.select_related("procedure", "unit__parent", "created_by").filter(code=ident.strip()).first()


def find_late_dossier(ident: str, user: AnyUser | None) -> Dossier | None:
    """A dossier whose apology was issued (only such a dossier has one)."""
    found = find_dossier(ident, user)
    return found if found is not None and found.apology_on is not None else None


def _committee(d: Dossier) -> Organisation | None:
    return Organisation.objects.filter(unit=d.unit, kind=OrganisationKind.PEOPLES_COMMITTEE) \
        .select_related("unit__parent", "parent").order_by("id").first()


def _desk(d: Dossier) -> tuple[Issuer, str]:
    """The desk that received the dossier as the slip's header names it, and its name in the text:
    the unit's public administration service centre (after the 2025 reform), or the People's
    Committee's receiving desk."""
    centre = Organisation.objects.filter(unit=d.unit, kind=OrganisationKind.PUBLIC_SERVICE,
                                         name__istartswith="Trung tâm Phục vụ hành chính công") \
        .select_related("parent", "unit__parent").order_by("id").first()
    if centre is not None:
        header = issuers.issuer(centre)
        return Issuer(name=header.name, code=header.code, parent=header.parent.replace("\n", " ")), centre.name
    committee = _committee(d)
    parent = committee.name if committee else f"Ủy ban nhân dân {d.unit.name.lower()}"
    return Issuer(name=DESK, code="BPTN&TKQ", parent=parent), f"{DESK} {d.unit.name.lower()}"


def lookup_link(d: Dossier) -> str:
    """The public lookup of the dossier, opened with its secret lookup code."""
    return settings.DIEUHANH_SITE_URL.rstrip("/") + reverse("public_lookup") + "?" + urlencode({"code": d.lookup_code})


def qr_png(text: str) -> bytes:
    image = qrcode.make(text, image_factory=PyPNGImage, box_size=6, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def _received_line(d: Dossier) -> str:
    if d.received_at is not None:
        at = timezone.localtime(d.received_at)
        return f"4. Thời gian nhận hồ sơ: {at:%H} giờ {at:%M} phút, ngày {vn_date(d.received_on)}."
    return f"4. Thời gian nhận hồ sơ: ngày {vn_date(d.received_on)}."


def receipt(d: Dossier, user: AnyUser | None) -> Paper:
    from dieuhanh.dossiers import services

    issuer, desk = _desk(d)
    event = d.events.filter(kind=EventKind.RECEIVE).select_related("actor").order_by("at", "id").first()
    officer = event.actor if event is not None and event.actor_id else d.created_by
    documents = [line.strip(" -•\t") for line in (event.note if event else "").splitlines() if line.strip(" -•\t")]
    counts_from = services.dossier_counts_from(d)
    small = 13.0
    body: list[Any] = [
        Text(f"{desk} tiếp nhận hồ sơ của:", size=small, indent=False),
        Text(runs=(("Ông/bà: ", False, False), (d.applicant_name or "…", True, False)), size=small, indent=False),
    ]
    for label, value in (("Địa chỉ", d.applicant_address), ("Số điện thoại", d.applicant_phone),
                         ("Thư điện tử", d.applicant_email)):
        if value:
            body.append(Text(f"{label}: {value}", size=small, indent=False))
    body.append(Text(runs=(("Nội dung yêu cầu giải quyết: ", False, False), (d.procedure.name, True, False),
                           (f" (mã thủ tục {d.procedure.code}).", False, False)), size=small, indent=False))
    body.append(Text("1. Thành phần hồ sơ nộp gồm:" if documents else
                     "1. Thành phần hồ sơ: đầy đủ, hợp lệ theo quy định của thủ tục.", size=small, indent=False))
    body.extend(Text(f"- {line}", size=small, indent=True) for line in documents)
    body.append(Text("2. Số lượng hồ sơ: 01 (bộ).", size=small, indent=False))
    body.append(Text(f"3. Thời gian giải quyết hồ sơ theo quy định: {d.procedure.processing_days} ngày làm việc.",
                     size=small, indent=False))
    received = _received_line(d)
    if counts_from != d.received_on:
        received += (f" Hồ sơ nộp trực tuyến ngoài giờ hành chính hoặc vào ngày nghỉ: thời hạn tính từ ngày "
                     f"{vn_date(counts_from)}.")
    body.append(Text(received, size=small, indent=False))
    due = f"5. Thời gian trả kết quả giải quyết hồ sơ: ngày {vn_date(d.due_on)}"
    if d.new_due_on and d.apology_on:
        due += f" (hẹn lại ngày {vn_date(d.new_due_on)} theo phiếu xin lỗi ngày {vn_date(d.apology_on)})"
    body.append(Text(runs=((due + ".", True, False),), size=small, indent=False))
    where = f"6. Đăng ký nhận kết quả tại: {desk}"
    where += ", hoặc qua dịch vụ bưu chính công ích nếu ông/bà đăng ký." if d.procedure.postal_return else "."
    body.append(Text(where, size=small, indent=False))
    if d.procedure.fee_vnd is not None:
        fee = vn_money(d.procedure.fee_vnd) if d.procedure.fee_vnd else "không thu"
        body.append(Text(f"Phí, lệ phí: {fee}{f' ({d.procedure.fee_note})' if d.procedure.fee_note else ''}.",
                         size=small, indent=False))
    body.append(Text(f"Vào sổ theo dõi hồ sơ, mã hồ sơ: {d.code}.", size=small, indent=False))
    if d.lookup_code:
        link = lookup_link(d)
        body.append(Image(qr_png(link), width=22, caption=f"Quét mã để tra cứu kết quả (mã tra cứu "
                                                           f"{lookup.grouped(d.lookup_code)}, giữ kín): {link}"))
    return Paper(
        format="state", issuer=issuer, place=d.unit.short_name or d.unit.name, kind="", numbered=False, compact=True,
        kind_title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", subject=f"Mã hồ sơ: {d.code}",
        body=tuple(body), day=d.received_on,
        signatures=(Signature(position="NGƯỜI NỘP HỒ SƠ", note="(Ký và ghi rõ họ tên)", name=d.applicant_name),
                    Signature(position="NGƯỜI TIẾP NHẬN HỒ SƠ", note="(Ký và ghi rõ họ tên)",
                              name=officer.display_name if officer is not None else "")),
        footer_note=(f"Giấy tiếp nhận lập thành 02 bản: 01 bản giao người nộp hồ sơ, 01 bản lưu tại {desk}. "
                     "Khi đến nhận kết quả, mang theo giấy này."),
        keywords=("giấy tiếp nhận", d.code), reference=d.code,
    )


def apology(d: Dossier, user: AnyUser | None) -> Paper:
    """Issued by the People's Committee of the unit that received the dossier, which answers to
    the applicant for it, naming the body that decides when it is another."""
    committee = _committee(d)
    assert d.apology_on is not None
    _issuer, desk = _desk(d)
    name = committee.name if committee else f"Ủy ban nhân dân {d.unit.name.lower()}"
    new_due = f"ngày {vn_date(d.new_due_on)}" if d.new_due_on else "ngày sớm nhất"
    applicant = d.applicant_name or "…"
    decided_by = f", do {d.procedure.deciding_body} giải quyết" if d.procedure.deciding_body else ""
    text = (
        Text(f"Ngày {vn_date(d.received_on)}, {desk} tiếp nhận hồ sơ của ông/bà {applicant} (mã hồ sơ "
             f"{d.code}){decided_by}."),
        Text(f"Nội dung yêu cầu giải quyết: {d.procedure.name}."),
        Text(f"Thời hạn trả kết quả ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả: ngày {vn_date(d.due_on)}."),
        Text("Tuy nhiên đến nay, hồ sơ của ông/bà chưa được giải quyết đúng hẹn. "
             f"Lý do: {d.apology_reason.strip().rstrip('.') or 'hồ sơ cần thêm thời gian xem xét'}."),
        Text(runs=((f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {name} xin lỗi ông/bà và sẽ trả kết quả giải "
                    f"quyết hồ sơ cho ông/bà vào ", False, False), (new_due + ".", True, False))),
        Text("Xin trân trọng cảm ơn sự hợp tác của ông/bà./."),
    )
    if committee is not None:
        position, signer = issuers.head_of(committee, d.apology_on)
        header = issuers.issuer(committee)
        authority = issuers.signing_lines(committee, position)
    else:
        position, signer, authority = "Chủ tịch", "", ("TM. ỦY BAN NHÂN DÂN",)
        header = Issuer(name=f"Ủy ban nhân dân\n{d.unit.name}", code="UBND")
    return Paper(
        format="state", issuer=header, place=d.unit.short_name or d.unit.name, kind="", numbered=False,
        kind_title="PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", subject=f"Hồ sơ {d.code}",
        body=text, day=d.apology_on, salutation=(f"Ông/bà {applicant}",),
        signatures=(Signature(position=position.upper(), name=signer, authority=authority),),
        recipients=("Như trên", desk), archive="VT",
        keywords=("phiếu xin lỗi", d.code), reference=d.code,
    )
