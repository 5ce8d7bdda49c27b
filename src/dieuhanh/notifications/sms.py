"""Text messages (SMS) to citizens through a small gateway interface (docs/decisions/0030).

`backend()` returns the backend the settings name (`DIEUHANH_SMS_BACKEND`):
- "file": each message is written to its own UTF-8 file under `DIEUHANH_SMS_DIR` (DATA_DIR/sms),
  recipient on the first line, the text after a blank line: development, tests, a demo;
- "http": each message is POSTed as JSON `{"to", "text", "sender"}` to `DIEUHANH_SMS_URL`, with
  `Authorization: Bearer <DIEUHANH_SMS_TOKEN>`, within `DIEUHANH_SMS_TIMEOUT` seconds; any
  answer outside 2xx, a time-out or a refused connection raises `SmsError` (the caller records
  it and tries again later). The operator's own API is bridged to this shape by a small relay
  when it differs; the body is the same for every operator;
- "" (empty): no SMS is sent (`backend()` returns None);
- a dotted path to a class with `send(to, text) -> str` for anything else.

`send()` returns the gateway's message id when it gives one (JSON `{"id": ...}`), else ""."""

from __future__ import annotations

import itertools
import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The gateway did not take the message."""


class Backend(Protocol):
    def send(self, to: str, text: str) -> str: ...


_counter = itertools.count(1)


class FileBackend:
    """One file per message under `DIEUHANH_SMS_DIR`."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory or settings.DIEUHANH_SMS_DIR)

    def send(self, to: str, text: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{os.getpid()}-{next(_counter)}.txt"
        path = self.directory / name
        path.write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        return name


class HttpBackend:
    """POST JSON to the gateway at `DIEUHANH_SMS_URL`."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None,
                 sender: str | None = None) -> None:
        self.url = url if url is not None else settings.DIEUHANH_SMS_URL
        self.token = token if token is not None else settings.DIEUHANH_SMS_TOKEN
        self.timeout = timeout if timeout is not None else settings.DIEUHANH_SMS_TIMEOUT
        self.sender = sender if sender is not None else settings.DIEUHANH_SMS_SENDER
        if not self.url.startswith(("http://", "https://")):
            raise SmsError("DIEUHANH_SMS_URL chưa được cấu hình (cần địa chỉ http:// hoặc https:// của cổng SMS).")

    def send(self, to: str, text: str) -> str:
        body = json.dumps({"to": to, "text": text, "sender": self.sender}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = response.read(4096)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace").strip()
            raise SmsError(f"Cổng SMS trả lời {exc.code}: {detail}"[:500]) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SmsError(f"Không gửi được đến cổng SMS: {reason}"[:500]) from None
        try:
            data = json.loads(answer or b"{}")
        except ValueError:
            return ""
        return str(data.get("id", "")) if isinstance(data, dict) else ""


BACKENDS = {"file": FileBackend, "http": HttpBackend}


def backend() -> Backend | None:
    """The backend the settings name, or None when SMS is switched off."""
    name = (settings.DIEUHANH_SMS_BACKEND or "").strip()
    if not name:
        return None
    cls = BACKENDS.get(name) or import_string(name)
    made: Backend = cls()
    return made
