"""What a petition's files may be (petitions.uploads): their type read from their content, how
many and how large, each refusal naming the file and the limit; and photos filed by citizens,
stored encrypted like the desk's files and shown to the staff who may see the petition."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from zipfile import ZipFile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from dieuhanh.petitions import services, uploads
from dieuhanh.petitions.models import Petition
from dieuhanh.petitions.tests.test_public_views import public_data
from dieuhanh.testing import login

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A real PNG (the browser draws it): one colour."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def docx() -> bytes:
    out = BytesIO()
    with ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    (JPEG, uploads.JPEG), (png(), uploads.PNG), (b"RIFF\x10\x00\x00\x00WEBPVP8 ", uploads.WEBP),
    (b"GIF89a\x01\x00", uploads.GIF), (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", uploads.HEIC),
    (b"%PDF-1.7\n", uploads.PDF), (docx(), uploads.DOCX), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, uploads.DOC),
    (b"<html><script>alert(1)</script>", None), (b"MZ\x90\x00", None), (b"PK\x03\x04 not a zip", None),
])
def test_a_file_is_known_by_its_content(data, kind):
    assert uploads.sniff(data) is kind


def test_each_refusal_names_the_file_and_the_limit():
    files = [("anh.jpg", "image/jpeg", b"<html>not a photo</html>"),
             ("to-khai.docx", "application/msword", docx()),
             ("lon.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * uploads.MAX_BYTES),
             ("rong.pdf", "application/pdf", b"")]
    kept, errors = uploads.checked(files, public=True)
    assert kept == []
    assert any("«anh.jpg» không phải loại được nhận" in e and "ảnh JPEG" in e and "PDF" in e for e in errors)
    assert any("«to-khai.docx» không phải loại được nhận" in e for e in errors)  # Word: the desk only
    assert any("«lon.png» lớn hơn 10 MB" in e for e in errors)
    assert any("«rong.pdf» rỗng" in e for e in errors)
    kept, errors = uploads.checked([("to-khai.docx", "", docx())], public=False)
    assert errors == [] and kept[0][1] == uploads.DOCX.content_type


def test_too_many_files_are_refused_with_the_limit():
    files = [(f"anh-{i}.jpg", "image/jpeg", JPEG) for i in range(uploads.PUBLIC_MAX_FILES + 1)]
    _kept, errors = uploads.checked(files, public=True)
    assert f"Gửi quá nhiều tệp đính kèm: {uploads.PUBLIC_MAX_FILES + 1} tệp, tối đa {uploads.PUBLIC_MAX_FILES} tệp." in errors
    assert uploads.checked(files, public=False)[1] == []


def test_the_stored_type_and_name_follow_the_content():
    kept, errors = uploads.checked([("C:\\Anh\\hien-truong", "text/html", JPEG), ("so-do.PDF", "", b"%PDF-1.4")],
                                   public=True)
    assert errors == []
    assert kept == [("hien-truong.jpg", "image/jpeg", JPEG), ("so-do.PDF", "application/pdf", b"%PDF-1.4")]


# --- citizens' photos ------------------------------------------------------------------------------------------


def file_with_photos(client, world, *photos, **overrides):
    data = public_data(world, **overrides)
    data["attachments"] = list(photos)
    return client.post(reverse("petitions:public_file"), data)


def test_a_citizen_attaches_photos_kept_encrypted(client, world):
    photo = png()
    response = file_with_photos(client, world, SimpleUploadedFile("den-hong.png", photo, "image/png"),
                                SimpleUploadedFile("so-do.pdf", b"%PDF-1.4 so do", "application/pdf"))
    assert response.status_code == 302
    p = Petition.objects.get()
    files = sorted(p.attachments.all(), key=lambda a: a.pk)
    assert [(services.attachment_name(a), a.content_type) for a in files] == [
        ("den-hong.png", "image/png"), ("so-do.pdf", "application/pdf")]
    assert services.attachment_bytes(files[0]) == photo
    with connection.cursor() as cur:
        cur.execute("SELECT name_enc, data_enc FROM petitions_attachment WHERE id = %s", [files[0].pk])
        name_enc, data_enc = cur.fetchone()
    assert "den-hong" not in name_enc and photo not in bytes(data_enc) and b"IHDR" not in bytes(data_enc)


def test_a_file_that_is_no_photo_is_refused_by_name(client, world):
    page = file_with_photos(client, world, SimpleUploadedFile("anh.jpg", b"<html>x</html>", "image/jpeg")).content.decode()
    assert "Tệp «anh.jpg» không phải loại được nhận" in page
    assert "chọn lại ảnh" in page  # the browser forgot the files
    assert not Petition.objects.exists()


def test_too_many_photos_are_refused(client, world):
    photos = [SimpleUploadedFile(f"anh-{i}.jpg", JPEG, "image/jpeg") for i in range(uploads.PUBLIC_MAX_FILES + 1)]
    page = file_with_photos(client, world, *photos).content.decode()
    assert f"tối đa {uploads.PUBLIC_MAX_FILES} tệp" in page and not Petition.objects.exists()


def test_staff_who_may_see_the_petition_see_its_photos(client, world):
    file_with_photos(client, world, SimpleUploadedFile("den-hong.png", png(), "image/png"))
    p = Petition.objects.get()
    photo = p.attachments.get()
    url = reverse("petitions:petition_attachment", args=[p.pk, photo.pk])
    login(client, world.reception_a)
    page = client.get(reverse("petitions:petition_detail", args=[p.pk])).content.decode()
    assert "data-photo" in page and f"{url}?xem=1" in page
    shown = client.get(url, {"xem": "1"})
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline") and shown["X-Content-Type-Options"] == "nosniff"
    assert b"".join(shown.streaming_content) == png()
    # Another ward's officer does not see the petition, nor its photo.
    login(client, world.officer_b)
    assert client.get(url, {"xem": "1"}).status_code == 404
    client.logout()
    assert client.get(url, {"xem": "1"}).status_code == 302  # to the login page


def test_a_pdf_is_never_shown_inline(client, world):
    file_with_photos(client, world, SimpleUploadedFile("so-do.pdf", b"%PDF-1.4 so do", "application/pdf"))
    p = Petition.objects.get()
    login(client, world.reception_a)
    response = client.get(reverse("petitions:petition_attachment", args=[p.pk, p.attachments.get().pk]), {"xem": "1"})
    assert response["Content-Disposition"].startswith("attachment")


def test_a_denunciations_photos_are_not_shown_on_its_page(client, world):
    file_with_photos(client, world, SimpleUploadedFile("hien-truong.png", png(), "image/png"), kind="denunciation")
    p = Petition.objects.get()
    assert p.confidential
    services.do_assign(actor=world.reception_a, petition=p, users=[world.officer_a])
    login(client, world.officer_a)
    page = client.get(reverse("petitions:petition_detail", args=[p.pk])).content.decode()
    # Listed for its handler, but opening the page is no reveal: no photo drawn in it.
    assert "Tệp đính kèm 1" in page and "data-photo" not in page
