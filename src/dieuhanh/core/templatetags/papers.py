"""`{% paper_links "thong-bao-ket-luan" meeting.pk %}`: the links to a formal document made from an
object, as .docx and PDF (core/papers)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def paper_links(kind: str, ident: object, label: str = "", issue: bool = False) -> str:
    """The .docx and PDF links; with `issue`, for a draft of a kind that names its issuing body,
    also the link that numbers and issues it in the outgoing register (when an app keeps one)."""
    from urllib.parse import urlencode

    from dieuhanh.core.papers import kinds

    docx = reverse("paper_download", args=[kind, str(ident), "docx"])
    pdf = reverse("paper_download", args=[kind, str(ident), "pdf"])
    issuing = ""
    target = kinds.register_url() if issue else ""
    if target and kinds.all_kinds().get(kind, None) is not None and kinds.kind(kind).organisation:
        issuing = format_html(' <a class="btn btn--small btn--primary" href="{}?{}">{}</a>', reverse(target),
                              urlencode({"kind": kind, "ident": str(ident)}), gettext("Cấp số, ban hành…"))
    return format_html(
        '<span class="paper-links">{}<a class="btn btn--small" href="{}" download>.docx</a> '
        '<a class="btn btn--small" href="{}" download>PDF</a>{}</span>',
        format_html("{} ", label) if label else "", docx, pdf, issuing,
    )


@register.inclusion_tag("core/_paper_batch_form.html", takes_context=True)
def paper_batch_form(context: template.Context, kind: str, objects: Any, label: str, attr: str = "pk",
                     fmt: str = "pdf") -> dict[str, object]:
    """A button that makes the documents of kind `kind` for every one of `objects` (the page's
    rows; their `attr` is the ID) at once, on the queue (core/papers/batch.py)."""
    request = context.get("request")
    return {"kind": kind, "idents": [str(getattr(o, attr)) for o in objects], "label": label, "format": fmt,
            "next": request.get_full_path() if request is not None else "", "csrf_token": context.get("csrf_token")}
