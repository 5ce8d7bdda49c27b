"""`{% paper_links "thong-bao-ket-luan" meeting.pk %}`: the links to a formal document made from an
object, as .docx and PDF (core/papers)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def paper_links(kind: str, ident: object, label: str = "") -> str:
    docx = reverse("paper_download", args=[kind, str(ident), "docx"])
    pdf = reverse("paper_download", args=[kind, str(ident), "pdf"])
    return format_html(
        '<span class="paper-links">{}<a class="btn btn--small" href="{}" download>.docx</a> '
        '<a class="btn btn--small" href="{}" download>PDF</a></span>',
        format_html("{} ", label) if label else "", docx, pdf,
    )
