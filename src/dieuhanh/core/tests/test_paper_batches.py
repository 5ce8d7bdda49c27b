"""Many documents at once (core/papers/batch.py): asked for through the API, made by the queue's
worker as the user who asked, delivered as one .zip only to that user; bad requests refused by
field, in Vietnamese."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.urls import reverse

from dieuhanh.core import queue
from dieuhanh.core.models import PaperBatch
from dieuhanh.testing import bearer, login, post_json

URL = "/api/v1/papers/giay-tiep-nhan-ho-so/batches"


@pytest.fixture
def dossiers(world):
    mine = [world.dossier(applicant_name=f"Người nộp {i}") for i in range(2)]
    elsewhere = world.dossier(actor=world.onestop_b, unit=world.ward_b)
    return mine, elsewhere


def test_a_batch_is_made_by_the_queue_for_who_asked_and_read_by_them_only(client, world, dossiers):
    mine, elsewhere = dossiers
    api = bearer(world.onestop_a)
    asked = post_json(api, URL, {"ids": [d.code for d in mine] + [elsewhere.code, "khong-co", mine[0].code],
                                 "format": "docx"})
    assert asked.status_code == 202, asked.content
    batch = asked.json()
    assert batch["state"] == "queued" and batch["file"] is None
    assert PaperBatch.objects.get(pk=batch["id"]).idents == [mine[0].code, mine[1].code, elsewhere.code, "khong-co"]
    assert queue.drain() == 1
    done = api.get(f"/api/v1/papers/batches/{batch['id']}").json()
    assert done["state"] == "done" and done["made"] == 2
    assert done["skipped"] == [elsewhere.code, "khong-co"]  # another ward's dossier is not theirs to print
    file = api.get(done["file"])
    assert file.status_code == 200 and file["Content-Type"] == "application/zip"
    assert hashlib.sha256(file.content).hexdigest() == done["sha256"] == file["X-Content-SHA256"]
    names = zipfile.ZipFile(io.BytesIO(file.content)).namelist()
    assert names == [f"giay-tiep-nhan-ho-so-{d.code}.docx" for d in mine]
    other = bearer(world.onestop_b)
    assert other.get(f"/api/v1/papers/batches/{batch['id']}").status_code == 404
    assert other.get(done["file"]).status_code in (302, 404)
    # its page, for the user who asked only
    login(client, world.onestop_a)
    page = client.get(reverse("paper_batch", args=[batch["id"]]))
    assert page.status_code == 200 and "Đã xong" in page.content.decode()
    assert reverse("paper_batch_file", args=[batch["id"]]) in page.content.decode()
    login(client, world.onestop_b)
    assert client.get(reverse("paper_batch", args=[batch["id"]])).status_code == 404
    assert client.get(reverse("paper_batch_file", args=[batch["id"]])).status_code == 404


def test_a_pdf_batch_converts_in_one_go(world, dossiers):
    mine, _elsewhere = dossiers
    api = bearer(world.onestop_a)
    batch = post_json(api, URL, {"ids": [d.code for d in mine]}).json()  # PDF unless asked otherwise
    queue.drain()
    done = api.get(f"/api/v1/papers/batches/{batch['id']}").json()
    archive = zipfile.ZipFile(io.BytesIO(api.get(done["file"]).content))
    assert len(archive.namelist()) == 2
    assert all(name.endswith(".pdf") and archive.read(name).startswith(b"%PDF") for name in archive.namelist())


@pytest.mark.parametrize(("body", "field", "said"), [
    ({"ids": []}, "ids", "Danh sách đối tượng trống."),
    ({"ids": ["  ", ""]}, "ids", "Danh sách đối tượng trống."),
    ({"ids": [str(i) for i in range(501)]}, "ids", "Mỗi lô nhiều nhất 500 văn bản (đã gửi 501)."),
])
def test_a_bad_batch_is_refused_by_field(world, body, field, said):
    response = post_json(bearer(world.onestop_a), URL, body)
    assert response.status_code == 422
    assert response.json()["errors"][field] == [said]
    assert not PaperBatch.objects.exists()


def test_an_unknown_kind_or_format_or_a_user_without_the_right_is_refused(world):
    api = bearer(world.onestop_a)
    unknown = post_json(api, "/api/v1/papers/khong-co/batches", {"ids": ["1"]})
    assert unknown.status_code == 422 and unknown.json()["errors"]["kind"] == ["Không có loại văn bản «khong-co»."]
    assert post_json(api, URL, {"ids": ["1"], "format": "odt"}).status_code == 422
    assert post_json(bearer(world.outsider), URL, {"ids": ["1"]}).status_code == 403
    assert not PaperBatch.objects.exists()


def test_the_dossier_register_prints_the_slips_of_its_page_in_one_batch(client, world, dossiers):
    mine, elsewhere = dossiers
    login(client, world.onestop_a)
    page = client.get(reverse("dossier_list")).content.decode()
    action = reverse("paper_batch_create", args=["giay-tiep-nhan-ho-so"])
    assert f'action="{action}"' in page
    assert all(f'name="ids" value="{d.code}"' in page for d in mine) and elsewhere.code not in page
    made = client.post(action, {"ids": [d.code for d in mine], "format": "pdf", "next": reverse("dossier_list")})
    batch = PaperBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse("paper_batch", args=[batch.pk])
    assert client.get(made["Location"]).content.decode().count("every 2s") == 1  # polls while it waits
    queue.drain()
    page = client.get(made["Location"]).content.decode()
    assert "every 2s" not in page and "Tải tệp .zip (2 văn bản)" in page
    refused = client.post(action, {"ids": [], "next": "https://elsewhere.example/"}, follow=True)
    assert refused.redirect_chain[0][0] == "/" and "Danh sách đối tượng trống." in refused.content.decode()
    assert client.get(action).status_code == 405


def test_a_batch_is_removed_with_its_file_a_week_after_it_was_made(world, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from dieuhanh.core.papers.batch import expire
    from dieuhanh.core.queue import periodic_jobs

    assert "core.paper_batches" in {job.key for job in periodic_jobs()}
    files = []
    for days in (8, 6):
        path = tmp_path / f"lo-{days}.zip"
        path.write_bytes(b"PK")
        files.append(path)
        PaperBatch.objects.create(kind="giay-tiep-nhan-ho-so", idents=["x"], file_format="pdf", state="done",
                                  file_path=str(path), requested_by=world.onestop_a,
                                  finished_at=timezone.now() - dt.timedelta(days=days))
    assert expire(timezone.localdate()) == {"removed": 1}
    assert not files[0].exists() and files[1].exists()
    assert list(PaperBatch.objects.values_list("file_path", flat=True)) == [str(files[1])]
