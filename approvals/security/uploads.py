"""Inspecting an uploaded attachment, which is treated as hostile until proven otherwise.

The type is judged from the content (libmagic), never from the name or the browser's content type,
against a short allow-list. PDFs that can run anything (scripts, automatic actions, launched
programs, embedded files, rich media) are refused, and so are images whose header promises more
pixels than a person could need (a "pixel flood" that would exhaust memory when decoded).
Polyglots (a file that is also another type, such as HTML in front of a PDF or after an image)
are refused: a PDF must begin with ``%PDF-``, and an image must end where its structure ends. The
user's filename survives only as cleaned display metadata; the file itself is stored under a
generated name (``approvals.models.application.attachment_path``).
"""

import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import magic
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

# Detected content type -> the extension the stored metadata gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
}
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

DISPLAY_NAME_MAX_LENGTH = 100
# Django already cuts uploaded names to 255 characters; anything longer did not come from a form.
_RAW_NAME_MAX_LENGTH = 1000
# libmagic identifies the allowed types from their first bytes.
_MAGIC_HEAD_BYTES = 16 * 1024
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class InspectedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str


class UploadRejected(Exception):
    """An upload the portal will not keep. ``message`` is translated and can be shown as is."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def inspect_upload(uploaded_file, *, max_bytes: int | None = None) -> InspectedUpload:
    """Check ``uploaded_file`` (a Django ``UploadedFile``) and describe it, or raise
    ``UploadRejected``. The file is left positioned at its start."""
    raw_name = getattr(uploaded_file, "name", None)
    if not isinstance(raw_name, str) or len(raw_name) > _RAW_NAME_MAX_LENGTH:
        raise UploadRejected(
            "name_invalid", _("The file has no usable name. Please rename it and try again.")
        )
    limit = max_bytes if max_bytes is not None else settings.ATTACHMENT_MAX_BYTES
    content = _read_within_limit(uploaded_file, limit)
    if not content:
        raise UploadRejected("empty", _("The file is empty. Please choose the file again."))

    content_type = magic.from_buffer(content[:_MAGIC_HEAD_BYTES], mime=True)
    if content_type not in ALLOWED_TYPES:
        raise UploadRejected(
            "type_not_allowed",
            _("This type of file is not accepted. Please upload a PDF, JPEG or PNG file."),
        )
    if content_type == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content, _PILLOW_FORMATS[content_type])
        _check_nothing_after_image(content, content_type)

    extension = ALLOWED_TYPES[content_type]
    return InspectedUpload(
        content_type=content_type,
        extension=extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        display_name=clean_display_name(raw_name, extension),
    )


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(
        "too_large",
        _("The file is larger than %(limit)s. Please upload a smaller file.")
        % {"limit": filesizeformat(limit)},
    )


def _read_within_limit(uploaded_file, limit: int) -> bytes:
    """The whole content, refusing as soon as it passes ``limit`` (whatever size was declared)."""
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    uploaded_file.seek(0)
    buffer = io.BytesIO()
    while chunk := uploaded_file.read(_READ_CHUNK):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise _too_large(limit)
    uploaded_file.seek(0)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------
# Names that make a PDF do something by itself: run JavaScript, act on opening or on page/field
# events (additional actions), launch a program, carry files, or play Flash/3D rich media.
_ACTIVE_NAMES = frozenset(
    {"JS", "JavaScript", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles"}
)
_ACTIVE_PREFIXES = ("RichMedia",)
# A PDF name token: a slash and the regular characters after it (ISO 32000-1 §7.2.2, §7.3.5).
_NAME_TOKEN = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Stream bodies hold compressed or binary data in which the bytes of "/AA" or "/JS" turn up by
# chance; object streams, where dictionaries can hide, are scanned after pypdf decompresses them.
_STREAM_BODY = re.compile(rb"(?<!end)stream\r?\n.*?endstream", re.DOTALL)
# A 10 MiB PDF has far fewer objects than this; more means a structure built to exhaust us.
_MAX_PDF_OBJECTS = 200_000


def _pdf_active_content() -> UploadRejected:
    return UploadRejected(
        "pdf_active_content",
        _(
            "This PDF contains scripts, automatic actions or embedded files, which are not "
            "accepted. Please print it to a new PDF, or scan the paper document, and upload that."
        ),
    )


def _pdf_unreadable() -> UploadRejected:
    return UploadRejected(
        "pdf_unreadable",
        _(
            "This PDF cannot be read: it may be damaged or protected by a password. Please "
            "upload an undamaged copy without a password."
        ),
    )


def _is_active_name(name: str) -> bool:
    name = name.removeprefix("/")
    return name in _ACTIVE_NAMES or name.startswith(_ACTIVE_PREFIXES)


def _raw_bytes_name_active(data: bytes) -> bool:
    """Whether any name token in ``data`` is an active one, after undoing ``#xx`` escapes
    (``/J#61vaScript`` is ``/JavaScript`` to a PDF reader)."""
    for match in _NAME_TOKEN.finditer(data):
        name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if _is_active_name(name.decode("latin-1")):
            return True
    return False


def _check_pdf(content: bytes) -> None:
    # 0. Nothing in front of the header: libmagic finds "%PDF-" anywhere in the first kilobyte,
    #    and a browser would render HTML placed before it.
    if not content.startswith(b"%PDF-"):
        raise UploadRejected(
            "pdf_not_at_start",
            _(
                "This file has other content in front of the PDF, which is not accepted. Please "
                "save or print it again as a PDF and upload that."
            ),
        )
    # 1. The bytes themselves, outside stream bodies: catches objects that a lenient viewer would
    #    find but that the cross-reference table does not list.
    if _raw_bytes_name_active(_STREAM_BODY.sub(b" ", content)):
        raise _pdf_active_content()
    # 2. The parsed structure: every object the cross-reference tables list and everything
    #    reachable from the trailer (catalog, pages, annotations, name trees), including objects
    #    inside compressed object streams.
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _pdf_unreadable()
        found = _structure_has_active_content(reader)
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - a hostile file can make a parser fail in any way
        raise _pdf_unreadable() from None
    if found:
        raise _pdf_active_content()


def _structure_has_active_content(reader: PdfReader) -> bool:
    pending: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        pending.extend(IndirectObject(number, generation, reader) for number in numbers)
    pending.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    seen_references: set[tuple[int, int]] = set()
    visited = 0
    while pending:
        obj = pending.pop()
        visited += 1
        if visited > _MAX_PDF_OBJECTS:
            raise _pdf_unreadable()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen_references:
                continue
            seen_references.add(key)
            obj = obj.get_object()
        if isinstance(obj, NameObject):
            if _is_active_name(obj):
                return True
        elif isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if _is_active_name(key):
                    return True
                pending.append(value)
            is_object_stream = isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm"
            if is_object_stream and _raw_bytes_name_active(obj.get_data()):
                return True
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)
    return False


# --- Images -------------------------------------------------------------------------------------


def _check_image(content: bytes, pillow_format: str) -> None:
    max_pixels = settings.ATTACHMENT_MAX_PIXELS
    too_many_pixels = UploadRejected(
        "image_too_many_pixels",
        _(
            "The image has too many pixels. Please upload an image of at most %(megapixels)s "
            "megapixels (a lower camera or scanner resolution is enough)."
        )
        % {"megapixels": max_pixels // 1_000_000},
    )
    unreadable = UploadRejected(
        "image_unreadable",
        _("This image cannot be read: it may be damaged. Please take or scan it again."),
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, beyond its own limit; both mean a decompression bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only; nothing is decoded before the size is known.
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise too_many_pixels
                image.verify()
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except Exception:  # noqa: BLE001 - a hostile file can make a decoder fail in any way
        raise unreadable from None


def _check_nothing_after_image(content: bytes, content_type: str) -> None:
    """Refuse bytes after the image's end (HTML or an archive appended to a valid image)."""
    if content_type == "image/png":
        ends_cleanly = _png_end(content) == len(content)
    else:
        ends_cleanly = _jpeg_sequence_ends_cleanly(content)
    if not ends_cleanly:
        raise UploadRejected(
            "image_trailing_data",
            _(
                "This image has other content after its end, which is not accepted. Please save "
                "or take the picture again and upload the plain image file."
            ),
        )


def _png_end(content: bytes) -> int | None:
    """The offset just after the IEND chunk, walking the chunks from the signature on."""
    offset, size = 8, len(content)
    while offset + 12 <= size:
        length = int.from_bytes(content[offset : offset + 4], "big")
        kind = content[offset + 4 : offset + 8]
        offset += 12 + length  # length, type, data, CRC
        if kind == b"IEND":
            return offset if offset <= size else None
    return None


def _jpeg_sequence_ends_cleanly(content: bytes) -> bool:
    """Whether the file is one JPEG, or several back to back (the Multi-Picture Format of many
    cameras and phones stores further images after the first EOI), with nothing after the last
    EOI."""
    offset = 0
    while offset < len(content):
        end = _jpeg_end(content, offset)
        if end is None:
            return False
        offset = end
    return True


def _jpeg_end(content: bytes, start: int) -> int | None:
    """The offset just after the EOI of the JPEG that begins at ``start``, walking its marker
    segments and skipping entropy-coded data; None if it is not a complete JPEG."""
    size = len(content)
    if content[start : start + 2] != b"\xff\xd8":
        return None
    offset = start + 2
    while offset < size:
        if content[offset] != 0xFF:
            return None
        while offset < size and content[offset] == 0xFF:  # fill bytes
            offset += 1
        if offset >= size:
            return None
        marker = content[offset]
        offset += 1
        if marker == 0xD9:  # EOI
            return offset
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # TEM, RSTn: no length
            continue
        if offset + 2 > size:
            return None
        length = int.from_bytes(content[offset : offset + 2], "big")
        if length < 2:
            return None
        offset += length
        if marker == 0xDA:  # SOS: entropy-coded data up to the next real marker
            offset = _end_of_entropy_coded_data(content, offset)
            if offset is None:
                return None
    return None


def _end_of_entropy_coded_data(content: bytes, offset: int) -> int | None:
    size = len(content)
    while True:
        found = content.find(b"\xff", offset)
        if found < 0 or found + 1 >= size:
            return None
        following = content[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed byte, restart marker
            offset = found + 2
        elif following == 0xFF:  # fill byte before a marker
            offset = found + 1
        else:
            return found


# --- Names --------------------------------------------------------------------------------------
# Characters Windows refuses in file names, replaced so that a downloaded copy can be saved.
_UNSAFE_IN_NAMES = re.compile(r'[<>:"|?*]')
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")


def _is_invisible(char: str) -> bool:
    # Cc: control characters (NUL, newlines, escape sequences); Cf: format characters, among them
    # the bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069), the direction marks
    # (U+200E, U+200F) and the zero-width characters; Cs: lone surrogates; Co: private use.
    return unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"}


def clean_display_name(raw_name: str, extension: str) -> str:
    """The user's filename made safe to show and to offer as a download name.

    ``invoice\\u202egpj.exe`` (which a browser shows as ``invoiceexe.jpg``) becomes
    ``invoicegpj.<extension>``, where ``extension`` is that of the detected type.
    """
    name = unicodedata.normalize("NFKC", raw_name)
    # After NFKC, so that full-width slashes are path separators too.
    name = re.split(r"[/\\]", name)[-1]
    # Tabs and line breaks become spaces; other invisible characters go.
    name = "".join(
        " " if char.isspace() else char
        for char in name
        if char.isspace() or not _is_invisible(char)
    )
    name = _UNSAFE_IN_NAMES.sub("_", name)
    name = " ".join(name.split()).lstrip(". ")
    stem = _EXTENSION.sub("", name).rstrip(". ")
    stem = stem[: DISPLAY_NAME_MAX_LENGTH - len(extension) - 1].rstrip(". ")
    return f"{stem or 'attachment'}.{extension}"
