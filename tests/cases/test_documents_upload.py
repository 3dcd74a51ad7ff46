"""What the document service accepts: a file Haven can hand back safely, by its content.

From the outside: what an uploader sends (an executable, a page with script, a path for a name,
a very large file), what is stored, and what a download answers.
"""

import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from apps.cases import uploads, vault
from apps.cases.models import Document
from apps.cases.services import document_attach
from apps.core.rules import RuleViolation
from tests.cases.factories import register
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

# A real, minimal PDF (one empty page) and a real 1x1 PNG.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )  # fmt: skip


PNG = _png()
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run"
)
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/admin/').then(r=>r.text())</script></body></html>"
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 40
THIRTY_MB = b"%PDF-1.4\n" + bytes(30 * 1024 * 1024)  # one object, built once


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def case(media):
    return register().case


def attach(case, content, filename="scan.pdf", content_type="application/pdf"):
    return document_attach(
        actor=case.registered_by, case=case, kind=Document.Kind.IDENTITY_DOCUMENT, filename=filename,
        content=content, content_type=content_type, no_abuse_images=True,
    )  # fmt: skip


def stored_files(media):
    folder = media / "documents"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("content", "filename", "declared"),
    [
        (EXECUTABLE, "passport.pdf", "application/pdf"),
        (EXECUTABLE, "setup.exe", "application/x-msdownload"),
        (SVG, "photo.svg", "image/svg+xml"),
        (SVG, "photo.png", "image/png"),
        (HTML, "report.html", "text/html"),
        (HTML, "report.pdf", "application/pdf"),
        (ZIP, "scans.zip", "application/zip"),
        (b"GIF89a\x01\x00\x01\x00", "photo.gif", "image/gif"),
        (b"just some text, no signature", "notes.txt", "text/plain"),
    ],
)
def test_a_file_of_a_type_not_allowed_is_refused_by_its_content_whatever_it_is_called(
    case, media, content, filename, declared
):
    with pytest.raises(RuleViolation) as refused:
        attach(case, content, filename, declared)
    assert refused.value.codes == ["DOCUMENT_NOT_ACCEPTED.TYPE_NOT_ALLOWED"]
    assert refused.value.messages == [
        "Only PDF, JPEG, PNG, WebP, HEIC, TIFF files are accepted; by its content this file is none of them."
    ]
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_30_mb_file_is_refused_before_anything_is_stored(case, media):
    with pytest.raises(RuleViolation) as refused:
        attach(case, THIRTY_MB)
    assert refused.value.codes == ["DOCUMENT_NOT_ACCEPTED.TOO_LARGE"]
    assert "files of at most 10.0\xa0MB are accepted" in refused.value.messages[0]
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_the_size_limit_is_a_setting(case, settings):
    settings.HAVEN_UPLOAD_MAX_BYTES = len(PDF) - 1
    with pytest.raises(RuleViolation, match="TOO_LARGE"):
        attach(case, PDF)
    settings.HAVEN_UPLOAD_MAX_BYTES = len(PDF)
    assert attach(case, PDF).size == len(PDF)


def test_an_empty_file_is_refused(case):
    with pytest.raises(RuleViolation) as refused:
        attach(case, b"")
    assert refused.value.codes == ["DOCUMENT_NOT_ACCEPTED.EMPTY"]


@pytest.mark.parametrize(
    ("content", "declared", "kept_type"),
    [
        (PDF, "application/pdf", "application/pdf"),
        (PNG, "image/png", "image/png"),
        (PDF, "text/html", "application/pdf"),
    ],
)
def test_a_real_pdf_or_png_is_kept_with_the_type_its_content_shows_not_the_declared_one(
    case, media, content, declared, kept_type
):
    document = attach(case, content, "scan", declared)
    assert (document.content_type, document.size) == (kept_type, len(content))
    assert len(stored_files(media)) == 1


def test_a_path_for_a_name_keeps_only_a_clean_last_part(case):
    document = attach(case, PDF, "../../etc/passwd")
    assert stored(document, "filename") == "passwd.pdf"
    assert stored(attach(case, PDF, "..\\..\\Windows\\system32\\evil.exe"), "filename") == "evil.exe.pdf"
    assert stored(attach(case, PNG, "\x00\u202eFotografia da Aïcha.png\r\n"), "filename") == "Fotografia da Aïcha.png"
    assert stored(attach(case, PDF, ".htaccess"), "filename") == "htaccess.pdf"
    assert len(stored(attach(case, PDF, "x" * 500 + ".pdf"), "filename")) == uploads.NAME_MAX_LENGTH


def test_a_download_is_an_attachment_of_the_type_read_from_the_content(client, case):
    document = attach(case, PDF, "../../etc/passwd", "text/html")
    client.force_login(case.registered_by)
    response = client.get(reverse("cases:document_download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''passwd.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == PDF


def test_a_file_kept_before_types_were_checked_downloads_as_plain_bytes(client, case):
    # An older upload whose content is a page: never sent as one.
    document = attach(case, PDF)
    child = case.child
    sealed = vault.seal_bytes(child, vault.data_key(child), f"document:{document.storage_name}", HTML)
    default_storage.delete(f"documents/{document.storage_name}")
    default_storage.save(f"documents/{document.storage_name}", ContentFile(sealed))
    client.force_login(case.registered_by)
    response = client.get(reverse("cases:document_download", args=[document.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", uploads.JPEG),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", uploads.WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", uploads.HEIC),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", None),  # an MP4 video
        (b"II*\x00\x08\x00\x00\x00", uploads.TIFF),
        (b"MM\x00*\x00\x00\x00\x08", uploads.TIFF),
        (b"%!PS-Adobe-3.0", None),  # PostScript runs code in viewers
        (b"\xef\xbb\xbf<svg", None),
    ],
)
def test_the_signatures_of_scanned_identity_papers(head, expected):
    assert uploads.sniff(head) == expected
