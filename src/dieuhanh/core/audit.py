"""The audit log: one append-only, hash-chained record per state change.

`record()` is called by every `do_*` service inside its transaction, so the change and its
audit row commit or roll back together, whether the change came from the web, the API, the
CLI or a background job. Each event's hash covers its own fields and the previous event's
hash; `verify_chain()` recomputes them and names the first event that does not match.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from dieuhanh.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from dieuhanh.core.http import AnyUser

GENESIS = "0" * 64
# Keys of stored snapshots that are no longer shown, by object type: a value that became
# confidential after events holding it were written. The chain keeps them (rewriting an event
# would break it); the pages that show events leave them out. Apps add theirs at start-up.
HIDDEN_KEYS: dict[str, set[str]] = {}
_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="web")


@contextmanager
def channel(name: str) -> Iterator[None]:
    """Mark the audit events written inside the block as coming from `name` (api, cli, job)."""
    token = _channel.set(name)
    try:
        yield
    finally:
        _channel.reset(token)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


# --- verbs ------------------------------------------------------------------------------------

# The words an event's `action` may hold, with their labels, declared by the app that writes them
# (core's own in CoreConfig.ready, each domain app's in its own). A verb two apps use with other
# meanings ("receive" a petition, "receive" a dossier) is registered with its object type. The
# column is plain text, so a new verb needs no migration (decision 0009).
MAX_VERB_LENGTH = 20  # AuditEvent.action
_VERBS: dict[tuple[str | None, str], str] = {}


def register_verbs(verbs: Iterable[tuple[str, Any]], *, object_type: str | None = None) -> None:
    """Declare audit verbs and their labels (a TextChoices' `.choices` will do); with
    `object_type` (an app label, lower case) they are that type's, else everyone's."""
    for verb, label in verbs:
        if not verb or len(verb) > MAX_VERB_LENGTH:
            raise ValueError(f"Audit verb {verb!r} must have 1 to {MAX_VERB_LENGTH} characters.")
        _VERBS[(object_type, str(verb))] = str(label)


def is_verb(action: str, object_type: str | None = None) -> bool:
    return (object_type, action) in _VERBS or (None, action) in _VERBS


def verb_label(action: str, object_type: str | None = None) -> str:
    """The label of a verb, as its object type names it if it does; the word itself for a verb
    nobody declares (an event written by a version that had it). In the reader's language: the
    labels are declared in Vietnamese and translated when shown."""
    label = _VERBS.get((object_type, action)) or _VERBS.get((None, action))
    return gettext(label) if label else action


def verb_choices() -> list[tuple[str, str]]:
    """Every declared verb once, for a filter: the shared label, or the first type's."""
    labels: dict[str, str] = {}
    for (object_type, verb), label in _VERBS.items():
        if object_type is None or verb not in labels:
            labels[verb] = gettext(label)
    return sorted(labels.items(), key=lambda item: item[1])


def hide_keys(object_type: str, *keys: str) -> None:
    """Never show these keys of the snapshots of `object_type` (an app label, lower case)."""
    HIDDEN_KEYS.setdefault(object_type, set()).update(keys)


def shown(object_type: str, data: Any) -> dict[str, Any]:
    """A stored snapshot as it may be shown: without the keys hidden for its object type."""
    if not isinstance(data, dict):
        return {}
    hidden = HIDDEN_KEYS.get(object_type, ())
    return {k: v for k, v in data.items() if k not in hidden}


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of `obj` (foreign keys as ids), ready for JSON."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if f.name == "search_text":
            continue
        data[f.attname] = _jsonable(getattr(obj, f.attname))
    return data


def _digest(event: AuditEvent) -> str:
    payload = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "channel": event.channel,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "prev": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    actor: AnyUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction. `action` is a declared verb
    (`register_verbs`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
    if not is_verb(str(action), object_type):
        raise ValueError(f"Audit verb {action!r} is not declared for {object_type}: call audit.register_verbs().")
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = object_repr or str(obj)
    actor_obj = actor if actor is not None and actor.is_authenticated else None
    event = AuditEvent(
        seq=head.seq + 1,
        at=timezone.now(),
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else (str(actor) if actor else "hệ thống")),
        channel=_channel.get(),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:300],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        prev_hash=head.hash,
    )
    # Round-trip the JSON and time exactly as the database will return them, so that the hash
    # computed now equals the one recomputed by verify_chain() later.
    event.before = json.loads(json.dumps(event.before)) if event.before is not None else None
    event.after = json.loads(json.dumps(event.after)) if event.after is not None else None
    event.hash = _digest(event)
    event.save()
    head.seq = event.seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def verify_chain(progress: Any = None) -> ChainReport:
    """Recompute every hash in order; report the first event whose stored hash, link to the
    previous event or sequence number does not match."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(False, checked, event.seq, event.id, f"thiếu sự kiện số {expected_seq} (bị xoá?)")
        if event.prev_hash != prev:
            return ChainReport(False, checked, event.seq, event.id, "liên kết với sự kiện trước không khớp")
        if _digest(event) != event.hash:
            return ChainReport(False, checked, event.seq, event.id, "nội dung đã bị sửa sau khi ghi")
        prev = event.hash
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(False, checked, head.seq, None, f"sự kiện cuối (số {head.seq}) đã bị xoá")
    return ChainReport(True, checked)
