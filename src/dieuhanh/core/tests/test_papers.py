"""The document engine (core/papers): the number and date lines worked out from Decree 30/2020 and
Hướng dẫn 36-HD/VPTW, the .docx read back (page, margins, fonts, the header's layout), and the
PDF LibreOffice makes from it (A4, fonts embedded, the Vietnamese text whole, page 1 drawn)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from dieuhanh.core.papers import docx, pdf
from dieuhanh.core.papers.formats import FormatError, date_line, format_for
from dieuhanh.core.papers.paper import Heading, Issuer, Paper, Signature, Table, Text

DAY = dt.date(2026, 2, 5)


@pytest.mark.parametrize(("code", "number", "kind", "issuer", "expected"), [
    ("state", 5, "QĐ", "UBND", "Số: 05/QĐ-UBND"),        # below 10: a leading zero (Appendix I)
    ("state", 15, "TB", "UBND", "Số: 15/TB-UBND"),
    ("state", "125", "BC", "UBND", "Số: 125/BC-UBND"),
    ("state", 3, "CV", "UBND-VP", "Số: 03/UBND-VP"),      # a letter: no kind in the number
    ("party", 12, "NQ", "TU", "Số 12-NQ/TU"),             # no colon, hyphen before the kind
    ("party", 7, "TB", "ĐU", "Số 07-TB/ĐU"),
    ("party", 4, "CV", "ĐU", "Số 04-CV/ĐU"),
])
def test_the_number_line(code, number, kind, issuer, expected):
    assert format_for(code, DAY).number(number, kind, issuer) == expected


def test_a_draft_leaves_room_for_the_number_and_the_day():
    state = format_for("state", DAY)
    assert state.number(None, "TB", "UBND") == "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/TB-UBND"
    assert date_line("Chí Linh", None, 2026) == "Chí Linh, ngày\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0tháng" \
        "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0năm 2026"


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 2, 5), "Chí Linh, ngày 05 tháng 02 năm 2026"),   # day < 10 and months 1, 2: leading zero
    (dt.date(2026, 1, 1), "Chí Linh, ngày 01 tháng 01 năm 2026"),
    (dt.date(2026, 6, 29), "Chí Linh, ngày 29 tháng 6 năm 2026"),   # months 3–12: none
    (dt.date(2026, 12, 10), "Chí Linh, ngày 10 tháng 12 năm 2026"),
    (dt.date(2026, 3, 9), "Chí Linh, ngày 09 tháng 3 năm 2026"),
])
def test_the_date_line(day, expected):
    assert date_line("Chí Linh", day) == expected


def test_a_format_applies_from_its_effective_date():
    assert format_for("party", dt.date(2018, 4, 3)).citation.startswith("Hướng dẫn 36-HD/VPTW")
    with pytest.raises(FormatError, match="Không có thể thức văn bản «party» có hiệu lực ngày 02/04/2018"):
        format_for("party", dt.date(2018, 4, 2))
    with pytest.raises(FormatError):
        format_for("nothing", DAY)


def _paper(fmt: str = "state", **overrides) -> Paper:
    party = fmt == "party"
    fields: dict[str, object] = {
        "format": fmt,
        "issuer": Issuer(name="Đảng uỷ phường Chí Linh" if party else "Ủy ban nhân dân\nphường Chí Linh",
                         code="ĐU" if party else "UBND", parent="Đảng bộ thành phố Hải Phòng" if party else ""),
        "place": "Chí Linh", "kind": "TB", "kind_title": "THÔNG BÁO",
        "subject": "Kết luận của Ban Thường vụ về công tác chuyển đổi số" if party else "Kết luận cuộc họp giao ban tháng 02",
        "body": (
            Text("Ngày 03/02/2026, hội nghị đã nghe báo cáo và kết luận như sau:"),
            Heading("1. Giao nhiệm vụ"),
            Table(("TT", "Nhiệm vụ", "Thời hạn"), (("1", "Rà soát hồ sơ đất đai tồn đọng", "28/02/2026"),),
                  (10.0, 120.0, 35.0), align=("center", "left", "center")),
            Text("Ủy ban nhân dân phường thông báo để các cơ quan, đơn vị biết, thực hiện./."),
        ),
        "signatures": (Signature(position="Bí thư" if party else "Chủ tịch", name="Nguyễn Văn Định",
                                 authority=("T/M BAN THƯỜNG VỤ",) if party else ("TM. ỦY BAN NHÂN DÂN",)),),
        "number": 5, "day": DAY,
        "recipients": ("Thường trực Đảng uỷ", "Các chi bộ trực thuộc") if party else ("Chủ tịch, các Phó Chủ tịch", "Công an phường"),
        "archive": "Văn phòng Đảng uỷ" if party else "VT, VP",
    }
    fields.update(overrides)
    return Paper(**fields)  # type: ignore[arg-type]


def _runs(paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def _find(doc, text):
    """The first paragraph anywhere (body or table cells) whose text is `text`."""
    for paragraph in doc.paragraphs:
        if paragraph.text == text:
            return paragraph
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text == text:
                        return paragraph
    raise AssertionError(f"no paragraph {text!r}")


def _mm(length) -> float:
    return round(length / Mm(1), 1)


def test_a_state_document_is_laid_out_as_decree_30_says():
    doc = read_docx(io.BytesIO(docx.render(_paper())))
    section = doc.sections[0]
    assert (_mm(section.page_width), _mm(section.page_height)) == (210.0, 297.0)  # A4
    assert (_mm(section.top_margin), _mm(section.bottom_margin), _mm(section.left_margin),
            _mm(section.right_margin)) == (20.0, 20.0, 30.0, 15.0)
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.core_properties.language == "vi-VN"
    # The header: a table of two columns without borders, the body left, the national title right.
    header = doc.tables[0]
    assert len(header.columns) == 2
    assert header._tbl.find(".//{*}tblBorders") is None and header.style.name != "Table Grid"  # no borders
    left, right = header.cell(0, 0), header.cell(0, 1)
    assert [p.text for p in left.paragraphs if p.text] == ["ỦY BAN NHÂN DÂN", "PHƯỜNG CHÍ LINH"]
    assert all(r.bold and r.font.size.pt == 12 for p in left.paragraphs for r in _runs(p))
    national, motto = right.paragraphs[0], right.paragraphs[1]
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert all(r.bold and r.font.size.pt == 12 for r in _runs(national))
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and all(r.bold and r.font.size.pt == 13 for r in _runs(motto))
    # every run in Times New Roman: the document's defaults name it, no theme font is left to win
    fonts = doc.styles.element.find(".//{*}docDefaults//{*}rFonts")
    assert {k.split("}")[1]: v for k, v in fonts.attrib.items()} == {
        "ascii": "Times New Roman", "hAnsi": "Times New Roman", "cs": "Times New Roman", "eastAsia": "Times New Roman"}
    assert all(r.font.name in (None, "Times New Roman") for p in (national, motto) for r in _runs(p))
    # the lines drawn under the body's name and the motto: bordered empty paragraphs
    assert sum(1 for p in left.paragraphs if p._p.find(".//{*}pBdr") is not None) == 1
    assert sum(1 for p in right.paragraphs if p._p.find(".//{*}pBdr") is not None) == 1
    number, date = header.cell(1, 0).paragraphs[0], header.cell(1, 1).paragraphs[0]
    assert number.text == "Số: 05/TB-UBND" and _runs(number)[0].font.size.pt == 13 and not _runs(number)[0].bold
    assert date.text == "Chí Linh, ngày 05 tháng 02 năm 2026" and _runs(date)[0].italic
    # kind and subject, centred and bold
    kind = _find(doc, "THÔNG BÁO")
    assert kind.alignment == WD_ALIGN_PARAGRAPH.CENTER and _runs(kind)[0].bold and _runs(kind)[0].font.size.pt == 14
    subject = _find(doc, "Kết luận cuộc họp giao ban tháng 02")
    assert subject.alignment == WD_ALIGN_PARAGRAPH.CENTER and _runs(subject)[0].bold
    # the body: justified, first line indented 10 mm, 14 pt
    opening = _find(doc, "Ngày 03/02/2026, hội nghị đã nghe báo cáo và kết luận như sau:")
    assert opening.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert _mm(opening.paragraph_format.first_line_indent) == 10.0 and _runs(opening)[0].font.size.pt == 14
    body_table = doc.tables[1]
    assert body_table.style.name == "Table Grid" and body_table.rows[0].cells[1].text == "Nhiệm vụ"
    assert body_table.rows[0]._tr.find(".//{*}tblHeader") is not None  # the header row repeats
    # recipients beside the signature
    signing = doc.tables[2]
    heading = _find(doc, "Nơi nhận:")
    assert _runs(heading)[0].bold and _runs(heading)[0].italic and _runs(heading)[0].font.size.pt == 12
    assert [p.text for p in signing.cell(0, 0).paragraphs if p.text][1:] == [
        "- Chủ tịch, các Phó Chủ tịch;", "- Công an phường;", "- Lưu: VT, VP."]
    assert _runs(_find(doc, "- Lưu: VT, VP."))[0].font.size.pt == 11
    right_lines = [p.text for p in signing.cell(0, 1).paragraphs if p.text]
    assert right_lines == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Định"]
    assert signing.rows[0]._tr.find(".//{*}cantSplit") is not None  # the signature stays on one page
    # page numbers from page 2: a PAGE field in the header, none on the first page
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml


def test_a_party_document_is_laid_out_as_guidance_36_says():
    doc = read_docx(io.BytesIO(docx.render(_paper("party"))))
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    # a name too wide for its column breaks between the kind of body and its name
    assert left == ["ĐẢNG BỘ THÀNH PHỐ", "HẢI PHÒNG", "ĐẢNG UỶ PHƯỜNG CHÍ LINH", "*"]
    parent, body = header.cell(0, 0).paragraphs[0], header.cell(0, 0).paragraphs[2]
    assert not _runs(parent)[0].bold and _runs(parent)[0].font.size.pt == 14
    assert _runs(body)[0].bold and _runs(body)[0].font.size.pt == 14
    title = header.cell(0, 1).paragraphs[0]
    assert title.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and _runs(title)[0].bold and _runs(title)[0].font.size.pt == 15
    assert header.cell(1, 0).paragraphs[0].text == "Số 05-TB/ĐU"
    assert _find(doc, "-----").alignment == WD_ALIGN_PARAGRAPH.CENTER  # five dashes under the subject
    assert _runs(_find(doc, "THÔNG BÁO"))[0].font.size.pt == 16
    heading = _find(doc, "Nơi nhận:")
    assert _runs(heading)[0].underline and not _runs(heading)[0].italic and _runs(heading)[0].font.size.pt == 14
    assert _find(doc, "- Lưu Văn phòng Đảng uỷ.")
    assert _find(doc, "- Thường trực Đảng uỷ,")
    position = _find(doc, "BÍ THƯ")
    assert not _runs(position)[0].bold  # the party's position line is not bold; the name is
    assert _runs(_find(doc, "Nguyễn Văn Định"))[0].bold


@pytest.mark.parametrize(("text", "size", "width", "lines"), [
    ("ỦY BAN NHÂN DÂN", 12, 66, ["ỦY BAN NHÂN DÂN"]),
    ("ĐẢNG BỘ THÀNH PHỐ HẢI PHÒNG", 14, 78, ["ĐẢNG BỘ THÀNH PHỐ", "HẢI PHÒNG"]),
    ("ĐẢNG UỶ PHƯỜNG NGUYỄN TRÃI", 14, 78, ["ĐẢNG UỶ PHƯỜNG", "NGUYỄN TRÃI"]),
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG CHÍ LINH", 12, 66,
     ["TRUNG TÂM PHỤC VỤ", "HÀNH CHÍNH CÔNG", "PHƯỜNG CHÍ LINH"]),
])
def test_a_header_name_is_broken_between_words_where_its_lines_are_even(text, size, width, lines):
    assert docx.fit_lines(text, size, True, width) == lines
    assert all(docx.text_width_mm(line, size, True) <= width for line in lines)


def test_a_draft_says_so_in_its_file_name_and_a_letter_has_no_kind_line():
    from dieuhanh.core.papers.kinds import file_name

    draft = _paper(number=None, day=None, year=2026)
    assert file_name(draft, "thong-bao-ket-luan", "docx") == "thong-bao-ket-luan-du-thao.docx"
    assert file_name(_paper("party"), "thong-bao-ket-luan", "pdf") == "thong-bao-ket-luan-5-TB-DU.pdf"
    letter = docx.render(_paper(kind="CV", kind_title="", subject="Đôn đốc báo cáo tháng 02", salutation=("Các tổ dân phố",)))
    doc = read_docx(io.BytesIO(letter))
    assert doc.tables[0].cell(1, 0).paragraphs[0].text == "Số: 05/UBND"
    assert doc.tables[0].cell(1, 0).paragraphs[1].text == "V/v Đôn đốc báo cáo tháng 02"
    assert _find(doc, "Kính gửi: Các tổ dân phố")
    assert not any(p.text == "THÔNG BÁO" for p in doc.paragraphs)


# --- the PDF ------------------------------------------------------------------------------------

def _poppler(tool: str, *args: str) -> str:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=True, timeout=60).stdout  # noqa: S603


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The two documents above as PDF, from one start of LibreOffice."""
    folder = tmp_path_factory.mktemp("pdf")
    files = pdf.convert_many([docx.render(_paper()), docx.render(_paper("party"))])
    paths = []
    for name, data in zip(("state", "party"), files, strict=True):
        path = folder / f"{name}.pdf"
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_the_pdf_is_a4_with_its_fonts_embedded_and_the_vietnamese_text_whole(pdfs):
    state, party = pdfs
    info = _poppler("pdfinfo", str(state))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size.group(1)) - 595.28) < 0.5 and abs(float(size.group(2)) - 841.89) < 0.5  # A4
    fonts = _poppler("pdffonts", str(state)).splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    assert any("LiberationSerif" in line for line in fonts)  # Times New Roman's metric twin
    text = _poppler("pdftotext", "-layout", str(state), "-")
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 05/TB-UBND",
                     "Chí Linh, ngày 05 tháng 02 năm 2026", "Rà soát hồ sơ đất đai tồn đọng", "Nguyễn Văn Định",
                     "- Lưu: VT, VP."):
        assert expected in text, expected
    party_text = _poppler("pdftotext", str(party), "-")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in party_text and "Số 05-TB/ĐU" in party_text and "T/M BAN THƯỜNG VỤ" in party_text


def _graymap(path: Path) -> tuple[int, int, bytes]:
    """(width, height, pixels) of a binary PGM file (pdftoppm -gray)."""
    data = path.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header, data[:20]
    return int(header.group(1)), int(header.group(2)), data[header.end():]


def test_page_one_of_the_pdf_is_drawn_with_the_header_at_the_top(pdfs, tmp_path):
    _poppler("pdftoppm", "-gray", "-r", "40", "-f", "1", "-l", "1", str(pdfs[0]), str(tmp_path / "page"))
    width, height, pixels = _graymap(next(Path(tmp_path).glob("page*.pgm")))
    assert abs(width / height - 210 / 297) < 0.01  # portrait A4

    def darkest(x0: float, y0: float, x1: float, y1: float) -> int:  # in mm
        xs = range(int(x0 / 210 * width), int(x1 / 210 * width))
        return min(pixels[y * width + x] for y in range(int(y0 / 297 * height), int(y1 / 297 * height)) for x in xs)

    assert darkest(0, 0, 210, 20) > 200  # the top margin is blank
    assert darkest(0, 0, 28, 297) > 200  # and the left margin (30 mm)
    assert darkest(32, 20, 100, 40) < 100  # the body's name, top left
    assert darkest(110, 20, 195, 40) < 100  # the national title, top right


def test_a_missing_libreoffice_is_said_in_vietnamese(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DIEUHANH_SOFFICE", str(tmp_path / "no-such-office"))
    with pytest.raises(pdf.PdfError, match="chưa cài LibreOffice"):
        pdf.convert(b"PK")


def test_the_profiles_of_ended_processes_are_removed(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    root = tmp_path / "office"
    ended = root / "profile-999999999"  # no such process
    (ended / "user").mkdir(parents=True)
    alive = root / "profile-1"  # init: always running
    alive.mkdir()
    mine = pdf._profile()
    assert mine == root / f"profile-{os.getpid()}"
    assert not ended.exists() and alive.exists()
