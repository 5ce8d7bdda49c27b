"""Bearer tokens for API v1. The token is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dieuhanh.core import audit
from dieuhanh.core.choices import AuditAction
from dieuhanh.core.models import ApiToken

if TYPE_CHECKING:
    from dieuhanh.org.models import User

PREFIX = "dh_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_create_token(*, user: User, actor: User, name: str = "") -> tuple[str, ApiToken]:
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:8], key_hash=_hash(token))
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN,
        obj=row,
        object_repr=f"Mã API {row.prefix}… của {user.get_username()}",
        after={"user": user.pk, "name": name, "prefix": row.prefix},
    )
    return token, row


def user_for_token(token: str) -> User | None:
    if not token or not token.startswith(PREFIX):
        return None
    row = ApiToken.objects.select_related("user").filter(key_hash=_hash(token), revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute so reads do not turn into writes.
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
