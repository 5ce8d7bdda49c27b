"""Who may see who wrote a petition (Law on Denunciations Arts 8, 9, 47; LEGAL.md).

A confidential petition (every denunciation, and any petition with a denunciation in it) shows
its petitioner's identity only to the users assigned to handle it, and each time it is shown the
audit log records who saw it and when. Everyone else — other officers, leaders, exports,
reports, search, the audit view, the API — gets `REDACTED`. A petition that is not confidential
shows its petitioner to whoever may see the petition (no reveal is logged).

This module is the only reader of `Petition.identity_enc`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dieuhanh.core import audit
from dieuhanh.petitions import crypto
from dieuhanh.petitions.choices import Action

REDACTED = "[Đã ẩn để bảo mật người tố cáo]"
IDENTITY_KEYS = ("name", "address", "phone", "email", "id_number", "co_signers")
IDENTITY_LABELS = {
    "name": "Họ và tên",
    "address": "Địa chỉ",
    "phone": "Điện thoại",
    "email": "Thư điện tử",
    "id_number": "Số định danh cá nhân",
    "co_signers": "Những người cùng ký",
}


def is_handler(user: Any, petition: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return petition.assignments.filter(user_id=user.pk).exists()


def may_see_identity(user: Any, petition: Any) -> bool:
    """Whether `user` may see the petitioner of `petition`. Callers have already checked that
    the user may see the petition itself (`visible_to`)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if petition.confidential:
        return is_handler(user, petition)
    return True


def redacted() -> dict[str, str]:
    return dict.fromkeys(IDENTITY_KEYS, REDACTED)


def decrypt_for_system(petition: Any) -> dict[str, Any]:
    """The identity for the software's own use (duplicate detection), never for display."""
    return crypto.decrypt_json(petition.identity_enc)


def identity_for(user: Any, petition: Any, *, purpose: str = "xem chi tiết đơn") -> dict[str, Any] | None:
    """The petitioner's identity if `user` may see it, else None. Showing a confidential
    petition's identity is logged in the audit chain, in its own transaction."""
    if not may_see_identity(user, petition):
        return None
    identity = crypto.decrypt_json(petition.identity_enc)
    if petition.confidential:
        with transaction.atomic():
            audit.record(actor=user, action=Action.REVEAL, obj=petition, after={"mục đích": purpose})
    return identity


def display_identity(user: Any, petition: Any, *, purpose: str = "xem chi tiết đơn") -> dict[str, Any]:
    """The identity to print for `user`: the real one, or every field redacted."""
    identity = identity_for(user, petition, purpose=purpose)
    return identity if identity is not None else redacted()


def public_name(petition: Any) -> str:
    """The petitioner's name where a list or export shows it to anyone in scope: the name for an
    ordinary petition, `REDACTED` for a confidential one."""
    if petition.confidential:
        return REDACTED
    return crypto.decrypt_json(petition.identity_enc).get("name", "")
