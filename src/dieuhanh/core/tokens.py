"""Bearer tokens for API v1. The token is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
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
    """The active user whose unrevoked token this is, else None. Every API call asks: the token's
    row is read by one fixed statement, its user kept per process (core.signin.user_by_id), and
    its use recorded at most once a minute so that reads do not turn into writes."""
    from dieuhanh.core import fixedsql, signin

    if not token or not token.startswith(PREFIX):
        return None
    now = timezone.now()
    row = fixedsql.read_row(
        ApiToken, "id, user_id, CASE WHEN last_used_at IS NULL OR last_used_at < %s THEN 1 ELSE 0 END",
        "key_hash = %s AND revoked_at IS NULL", [now - dt.timedelta(seconds=60), _hash(token)],
    )
    if row is None:
        return None
    pk, user_id, unrecorded = row
    user: User | None = signin.user_by_id(user_id)
    if user is None or not user.is_active:
        return None
    if unrecorded:
        ApiToken.objects.filter(pk=pk).update(last_used_at=now)
    return user
