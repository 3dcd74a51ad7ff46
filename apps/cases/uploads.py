"""What a case's document may be: its type read from its content, its size, a clean name.

A document is a scan or a report a caseworker needs: PDF, JPEG, PNG, and the formats phones and
scanners produce for identity papers (WebP, HEIC/HEIF, TIFF). Nothing that a browser could run
or render as a page (HTML, SVG, XML), no executable, no archive (its contents escape the check).
The type is read from the file's first bytes; what the client declares is ignored, so a page
named "passport.pdf" is refused and a PDF named "scan.exe" is kept as "scan.exe.pdf".

A few fixed signatures do the work, so no library is needed: each allowed format starts with
bytes no HTML, SVG or executable starts with.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from apps.core.rules import RuleViolation, Violation

NAME_MAX_LENGTH = 120
FALLBACK_STEM = "document"
UNKNOWN_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    extensions: tuple[str, ...]  # the first is the one a cleaned name gets


PDF = FileType("PDF", "application/pdf", ("pdf",))
JPEG = FileType("JPEG", "image/jpeg", ("jpg", "jpeg"))
PNG = FileType("PNG", "image/png", ("png",))
WEBP = FileType("WebP", "image/webp", ("webp",))
HEIC = FileType("HEIC", "image/heic", ("heic", "heif"))
TIFF = FileType("TIFF", "image/tiff", ("tif", "tiff"))
ALLOWED = (PDF, JPEG, PNG, WEBP, HEIC, TIFF)

# ISO base media "brands" of still HEIF images (an MP4 video has other brands and is refused).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"heif"}


_SIGNATURES: tuple[tuple[Callable[[bytes], bool], FileType], ...] = (
    (lambda head: head.startswith(b"%PDF-"), PDF),
    (lambda head: head.startswith(b"\xff\xd8\xff"), JPEG),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), PNG),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", WEBP),
    (lambda head: head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS, HEIC),
    (lambda head: head[:4] in (b"II*\x00", b"MM\x00*"), TIFF),
)


def sniff(content: bytes) -> FileType | None:
    """The allowed type `content` is, by its first bytes; None for anything else."""
    head = content[:16]
    return next((file_type for matches, file_type in _SIGNATURES if matches(head)), None)


def served_type(content: bytes) -> str:
    """The content type a download is sent with: what the content is, never what was declared."""
    found = sniff(content)
    return found.content_type if found else UNKNOWN_TYPE


_UNSAFE = re.compile(r"[^\w .()+-]")
_RUNS = re.compile(r"[ _]{2,}|\.{2,}")


def clean_name(name: str, file_type: FileType) -> str:
    """The file name as kept: its last path part only, printable safe characters, no leading dot,
    capped in length, ending in an extension of the type the content is."""
    base = unicodedata.normalize("NFKC", name).replace("\\", "/")
    base = PurePosixPath(base).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")  # control and format characters
    base = _RUNS.sub("_", _UNSAFE.sub("_", base)).strip(" ._")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    if extension.lower() not in file_type.extensions:
        stem, extension = base, file_type.extensions[0]
    stem = stem.strip(" ._") or FALLBACK_STEM
    return f"{stem[: NAME_MAX_LENGTH - len(extension) - 1]}.{extension.lower()}"


@dataclass(frozen=True)
class Accepted:
    file_type: FileType
    filename: str


def accept(*, filename: str, content: bytes) -> Accepted:
    """The file's type and clean name; refused (DOCUMENT_NOT_ACCEPTED.*) if empty, too large or
    of a type not allowed. The size is checked first: a large file is not read further."""
    limit: int = settings.HAVEN_UPLOAD_MAX_BYTES
    if not content:
        raise RuleViolation([Violation("DOCUMENT_NOT_ACCEPTED.EMPTY")])
    if len(content) > limit:
        raise RuleViolation(
            [
                Violation(
                    "DOCUMENT_NOT_ACCEPTED.TOO_LARGE",
                    {"size": filesizeformat(len(content)), "limit": filesizeformat(limit)},
                )
            ]
        )
    file_type = sniff(content)
    if file_type is None:
        allowed = ", ".join(t.label for t in ALLOWED)
        raise RuleViolation([Violation("DOCUMENT_NOT_ACCEPTED.TYPE_NOT_ALLOWED", {"allowed": allowed})])
    return Accepted(file_type=file_type, filename=clean_name(filename, file_type))
