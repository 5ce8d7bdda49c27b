"""A `Paper` laid out as .docx (python-docx) in its format: A4 and the margins of the format, the
header as a two-column table without borders (the issuing body and its number on the left, the
national title or "ĐẢNG CỘNG SẢN VIỆT NAM" and the date line on the right), the kind and subject
across the page, the body, then the recipients beside the signature. Page numbers are centred in
the header from page 2 on. Every run names its font (Times New Roman; LibreOffice sets it in the
metric-compatible Liberation Serif) and the document's language is Vietnamese."""

from __future__ import annotations

import functools
import io
import itertools
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from dieuhanh.core.papers import paper as p
from dieuhanh.core.papers.formats import Format, Style, date_line, format_for

ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT,
         "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
SIGNING_ROOM = 4  # empty lines between the position and the name: the hand signature and the seal


def render(paper: p.Paper) -> bytes:
    """The .docx file of `paper`, laid out in its format's version in force on its day (today's
    for a draft)."""
    from django.utils import timezone

    fmt = format_for(paper.format, paper.day or timezone.localdate())
    doc = _Writer(paper, fmt)
    return doc.write()


def text_width_mm(text: str, size: float, bold: bool = False) -> float:
    """About how wide `text` is set in Times New Roman at `size` points: the lengths of the lines
    drawn under a title are worked out from it."""
    width = 0.0
    for ch in text:
        if ch == " ":
            width += 0.25
        elif ch in "-.,;:()/*":
            width += 0.3
        elif ch.isupper():
            width += 0.72 if bold else 0.68
        elif ch.isdigit():
            width += 0.5
        else:
            width += 0.47 if bold else 0.45
    return width * size * 0.3528  # points to mm


def fit_lines(text: str, size: float, bold: bool, width_mm: float) -> list[str]:
    """`text` as the lines it is set on in a column `width_mm` wide: one line when it fits, else
    the fewest lines that fit, broken between words where the longest line is shortest
    ("ĐẢNG BỘ THÀNH PHỐ" / "HẢI PHÒNG"), as a header's names are written, rather than filled word
    by word; never inside a word of two syllables ("THÀNH PHỐ")."""
    if text_width_mm(text, size, bold) <= width_mm:
        return [text]
    words = _words(text)

    @functools.cache
    def best(start: int, lines: int) -> tuple[float, tuple[int, ...]]:
        """(the widest line, where the lines after the first start) for words[start:] on `lines` lines."""
        if lines == 1:
            return text_width_mm(" ".join(words[start:]), size, bold), ()
        options = []
        for cut in range(start + 1, len(words) - lines + 2):
            rest_width, rest_cuts = best(cut, lines - 1)
            options.append((max(text_width_mm(" ".join(words[start:cut]), size, bold), rest_width), (cut, *rest_cuts)))
        return min(options)

    for count in range(2, len(words) + 1):
        widest, cuts = best(0, count)
        if widest <= width_mm or count == len(words):
            bounds = (0, *cuts, len(words))
            return [" ".join(words[a:b]) for a, b in itertools.pairwise(bounds)]
    return [text]


# Words of two syllables a line is never broken inside ("THÀNH PHỐ", "ỦY BAN"): a header breaks
# between the kind of a body or unit and its name.
_COMPOUNDS = ("đảng bộ", "đảng ủy", "đảng uỷ", "ủy ban", "uỷ ban", "nhân dân", "hội đồng", "thành phố", "thị xã",
              "thị trấn", "chi bộ", "văn phòng", "trung tâm", "mặt trận", "tổ quốc", "phục vụ", "hành chính", "công an",
              "quân sự", "kiểm tra", "tuyên giáo", "dân vận", "tổ chức", "bộ phận", "tiếp nhận", "kết quả", "khu dân cư",
              "dân cư")


def _words(text: str) -> list[str]:
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words) and f"{words[i]} {words[i + 1]}".lower() in _COMPOUNDS:
            out.append(f"{words[i]} {words[i + 1]}")
            i += 2
        else:
            out.append(words[i])
            i += 1
    return out


CELL_MARGIN_MM = 1.0  # left and right inside a table's cells


class _Writer:
    def __init__(self, paper: p.Paper, fmt: Format) -> None:
        self.paper, self.fmt = paper, fmt
        self.doc: Any = new_document()
        self._setup()

    # --- the page, the styles, the page numbers ---------------------------------------------

    def _setup(self) -> None:
        fmt, doc = self.fmt, self.doc
        normal = doc.styles["Normal"]
        normal.font.name = fmt.font
        normal.font.size = Pt(fmt.style("text").size)
        # The font for every run, set once: on the document's defaults (whose theme fonts, Calibri
        # in python-docx's template, would otherwise win over a plain font name) and on Normal.
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        default_fonts = defaults.find(".//" + qn("w:rFonts")) if defaults is not None else None
        for fonts in (normal.element.get_or_add_rPr().get_or_add_rFonts(), default_fonts):
            if fonts is None:
                continue
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                fonts.attrib.pop(qn(attr), None)
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(qn(attr), fmt.font)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        normal.element.get_or_add_rPr().append(lang)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        section = doc.sections[0]
        page = fmt.page
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(page["width"]), Mm(page["height"])
        section.top_margin, section.bottom_margin = Mm(page["top"]), Mm(page["bottom"])
        section.left_margin, section.right_margin = Mm(page["left"]), Mm(page["right"])
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)
        section.different_first_page_header_footer = True  # no number on page 1
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self._page_field(number, self.fmt.style("page_number"))
        props = doc.core_properties
        props.title = self.paper.file_title
        props.subject = self.paper.subject
        props.author = self.paper.issuer.name.replace("\n", " ")
        props.language = "vi-VN"
        props.keywords = ", ".join(self.paper.keywords)
        props.comments = fmt.citation

    def _page_field(self, paragraph: Paragraph, style: Style) -> None:
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "2"), ("end", None)):
            run = paragraph.add_run()
            self._font(run, style)
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._r.append(instr)
            else:
                run.text = text or ""

    # --- runs and paragraphs ---------------------------------------------------------------

    def _font(self, run: Any, style: Style, *, bold: bool | None = None, italic: bool | None = None,
              size: float | None = None) -> None:
        # The font comes from the document's defaults (_setup); only what differs is written.
        run.font.size = Pt(size or style.size)
        if style.bold if bold is None else bold:
            run.font.bold = True
        if style.italic if italic is None else italic:
            run.font.italic = True
        if style.underline:
            run.font.underline = True

    def _para(self, where: Any, text: str, style: Style, *, align: str = "center", first: bool = False,
              bold: bool | None = None, italic: bool | None = None, space_before: float = 0,
              space_after: float = 0, keep: bool = False, size: float | None = None) -> Paragraph:
        paragraph = where.paragraphs[0] if first else where.add_paragraph()
        paragraph.alignment = ALIGN[align]
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
        fmt.keep_with_next = keep
        if text:
            run = paragraph.add_run(text.upper() if style.upper else text)
            self._font(run, style, bold=bold, italic=italic, size=size)
        return paragraph

    def _rule(self, where: Any, width_mm: float, column_mm: float) -> Paragraph:
        """A solid line `width_mm` long, centred in a column `column_mm` wide: the bottom border
        of an empty 2-point paragraph indented from both sides."""
        paragraph = where.add_paragraph()
        side = max(0.0, (column_mm - 2 * CELL_MARGIN_MM - width_mm) / 2)
        fmt = paragraph.paragraph_format
        fmt.left_indent, fmt.right_indent = Mm(side), Mm(side)
        fmt.space_before, fmt.space_after = Pt(0), Pt(0)
        fmt.line_spacing = Pt(6)  # the line 4 points below the text above
        mark = OxmlElement("w:rPr")  # the empty paragraph's own height: a 2-point line
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "4")
        mark.append(size)
        paragraph._p.get_or_add_pPr().append(mark)
        borders = OxmlElement("w:pBdr")
        line = OxmlElement("w:bottom")  # under the 2-point paragraph: just below the text above it
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")):
            line.set(qn(key), value)
        borders.append(line)
        paragraph._p.get_or_add_pPr().append(borders)
        return paragraph

    def _table(self, rows: int, widths: tuple[float, ...], *, ruled: bool = False) -> DocxTable:
        table = self.doc.add_table(rows=rows, cols=len(widths))
        if ruled:
            table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        margins = OxmlElement("w:tblCellMar")
        for side in ("left", "right"):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(round(CELL_MARGIN_MM * 56.7)))  # twentieths of a point
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        table._tbl.tblPr.append(margins)
        grid = table._tbl.tblGrid.gridCol_lst
        for index, width in enumerate(widths):
            grid[index].w = Mm(width)
        for index, cell in enumerate(table._cells):  # once: each column's `.cells` walks them all
            cell.width = Mm(widths[index % len(widths)])
        return table

    @staticmethod
    def _keep_row(row: Any, *, header: bool = False) -> None:
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        if header:
            props.append(OxmlElement("w:tblHeader"))

    # --- the parts -------------------------------------------------------------------------

    def write(self) -> bytes:
        self._header()
        self._title()
        for block in self.paper.body:
            self._block(block)
        self._signatures()
        if self.paper.footer_note:
            self._para(self.doc, self.paper.footer_note, self.fmt.style("recipients"), align="left", italic=True,
                       space_before=6)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def _header(self) -> None:
        fmt, paper = self.fmt, self.paper
        left_mm, right_mm = fmt.header_columns
        table = self._table(2, (left_mm, right_mm))
        left, right = table.cell(0, 0), table.cell(0, 1)
        for cell in (left, right, table.cell(1, 0), table.cell(1, 1)):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        # the issuing body
        first = True
        room = left_mm - 2 * CELL_MARGIN_MM
        parent_style, body_style = fmt.style("parent_body"), fmt.style("body")
        if paper.issuer.parent:
            for given in paper.issuer.parent.split("\n"):
                for line in fit_lines(given.upper(), parent_style.size, parent_style.bold, room):
                    self._para(left, line, parent_style, first=first)
                    first = False
        lines = [line for given in paper.issuer.name.split("\n")
                 for line in fit_lines(given.upper(), body_style.size, True, room)]
        for line in lines:
            self._para(left, line, body_style, first=first)
            first = False
        widest = max(text_width_mm(line.upper(), body_style.size, True) for line in lines)
        if body_style.rule == "star":
            self._para(left, "*", body_style, bold=False)
        elif body_style.rule:
            self._rule(left, min(widest, room) * 0.45, left_mm)
        # the national title (and motto)
        national, motto = fmt.style("national"), fmt.style("motto")
        self._para(right, national.text, national, first=True)
        ruled = national
        if motto.text:
            self._para(right, motto.text, motto)
            ruled = motto
        self._rule(right, min(text_width_mm(ruled.text, ruled.size, ruled.bold), right_mm - 2 * CELL_MARGIN_MM), right_mm)
        # the number (a letter's subject under it) and the date line
        number_cell, date_cell = table.cell(1, 0), table.cell(1, 1)
        self._para(number_cell, fmt.number(paper.number, paper.kind, paper.issuer.code) if paper.numbered else "",
                   fmt.style("number"), first=True, space_before=2)
        if self._is_letter:
            subject = paper.subject if fmt.is_party else f"V/v {paper.subject}"
            self._para(number_cell, subject, fmt.style("letter_subject"), space_before=4)
        self._para(date_cell, date_line(paper.place, paper.day, paper.year), fmt.style("place_date"), first=True,
                   space_before=2)

    @property
    def _is_letter(self) -> bool:
        return self.paper.kind in ("", "CV") and not self.paper.kind_title

    def _subject_lines(self, subject: str, style: Any) -> None:
        for index, line in enumerate(subject.split("\n")):
            self._para(self.doc, line, style, keep=True, space_before=0 if index else 2)

    def _title(self) -> None:
        fmt, paper = self.fmt, self.paper
        if not self._is_letter:
            self._para(self.doc, paper.kind_title, fmt.style("kind"), space_before=18, keep=True,
                       space_after=0 if paper.subject else 10)
            subject_style = fmt.style("subject")
            if not paper.subject:  # a form titled by its kind alone (a transfer slip): no subject, no rule
                pass
            elif fmt.title_rule == "dashes":
                self._subject_lines(paper.subject, subject_style)
                self._para(self.doc, "-----", subject_style, bold=False, space_after=6)
            else:
                self._subject_lines(paper.subject, subject_style)
                widest = max(text_width_mm(line, subject_style.size, True) for line in paper.subject.split("\n"))
                rule = self._rule(self.doc, min(widest, fmt.width_mm) * 0.4, fmt.width_mm + 2 * CELL_MARGIN_MM)
                rule.paragraph_format.space_after = Pt(8)
        else:
            self._para(self.doc, "", fmt.style("text"), space_before=12)
        if paper.salutation:
            text = fmt.style("text")
            if len(paper.salutation) == 1:
                self._para(self.doc, f"Kính gửi: {paper.salutation[0]}", text, space_after=6)
            else:
                heading = self._para(self.doc, "Kính gửi:", text, align="left")
                heading.paragraph_format.left_indent = Mm(fmt.width_mm * 0.3)
                for index, name in enumerate(paper.salutation):
                    end = "." if index == len(paper.salutation) - 1 else ";"
                    entry = self._para(self.doc, f"- {name}{end}", text, align="left")
                    entry.paragraph_format.left_indent = Mm(fmt.width_mm * 0.3 + 20)
                entry.paragraph_format.space_after = Pt(6)

    def _block(self, block: p.Block) -> None:
        text = self.fmt.style("text")
        if isinstance(block, p.Text):
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = ALIGN[block.align]
            pf = paragraph.paragraph_format
            pf.first_line_indent = Mm(text.indent) if block.indent else None
            pf.space_after = Pt(2 if self.paper.compact else text.space_after)
            pf.line_spacing = 1.0 if self.paper.compact else text.line_spacing
            pf.keep_with_next = block.keep_with_next
            for piece, bold, italic in block.pieces():
                self._font(paragraph.add_run(piece), text, bold=bold or block.bold, italic=italic or block.italic,
                           size=block.size)
        elif isinstance(block, p.Heading):
            paragraph = self._para(self.doc, block.text, text, align="center" if block.center else "justify", bold=True,
                                   space_before=6, space_after=text.space_after, keep=True)
            if not block.center:
                paragraph.paragraph_format.first_line_indent = Mm(text.indent)
        elif isinstance(block, p.Table):
            self._body_table(block)
        elif isinstance(block, p.Image):
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = ALIGN[block.align]
            paragraph.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width))
            if block.caption:
                self._para(self.doc, block.caption, text, italic=True, space_after=text.space_after)

    def _body_table(self, block: p.Table) -> None:
        style = self.fmt.style("table")
        size = block.size or style.size
        table = self._table(len(block.rows) + 1, block.widths, ruled=True)
        aligns = block.align or ("left",) * len(block.widths)
        self._keep_row(table.rows[0], header=True)
        cells, columns = table._cells, len(block.widths)  # once: `table.cell()` walks every cell each time
        for index, title in enumerate(block.headers):
            cell = cells[index]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            self._para(cell, title, style, first=True, bold=True, size=size)
        for r, (row, table_row) in enumerate(zip(block.rows, table.rows[1:], strict=True), start=1):
            self._keep_row(table_row)
            for c, value in enumerate(row):
                cell = cells[r * columns + c]
                lines = str(value).split("\n")
                for i, line in enumerate(lines):
                    self._para(cell, line, style, first=i == 0, align=aligns[c], bold=(r - 1) in block.bold_rows,
                               size=size)
        self.doc.add_paragraph().paragraph_format.space_after = Pt(4)

    def _signatures(self) -> None:
        fmt, paper = self.fmt, self.paper
        width = fmt.width_mm
        if len(paper.signatures) == 1:
            widths = (width * 0.48, width * 0.52)
            table = self._table(1, widths)
            self._keep_row(table.rows[0])
            left, right = table.cell(0, 0), table.cell(0, 1)
            self._recipients(left)
            self._signature(right, paper.signatures[0], first=True)
        else:
            count = max(1, len(paper.signatures))
            table = self._table(1, tuple(width / count for _ in range(count)))
            self._keep_row(table.rows[0])
            for index, signature in enumerate(paper.signatures):
                self._signature(table.cell(0, index), signature, first=True)

    def _recipients(self, cell: _Cell) -> None:
        fmt, paper = self.fmt, self.paper
        if not paper.recipients and not paper.archive:
            cell.paragraphs[0].add_run("")
            return
        heading = self._para(cell, fmt.recipients_heading, fmt.style("recipients_heading"), first=True, align="left",
                             space_before=10)
        heading.paragraph_format.keep_with_next = True
        style = fmt.style("recipients")
        for name in paper.recipients:
            self._para(cell, f"- {name.rstrip(';,.')}{fmt.recipient_end}", style, align="left")
        if paper.archive:
            self._para(cell, fmt.archive(paper.archive), style, align="left")

    def _signature(self, cell: _Cell, signature: p.Signature, *, first: bool) -> None:
        fmt = self.fmt
        authority, position, signer = fmt.style("authority"), fmt.style("position"), fmt.style("signer")
        for line in signature.authority:
            self._para(cell, line, authority, first=first, space_before=10)
            first = False
        self._para(cell, signature.position, position, first=first, space_before=0 if signature.authority else 10)
        if signature.note:
            self._para(cell, signature.note, signer, bold=False, italic=True)
        for _ in range(SIGNING_ROOM - 1 if self.paper.compact else SIGNING_ROOM):
            self._para(cell, "", signer)
        self._para(cell, signature.name, signer)
