"""Files for the upload tests, built here rather than checked in: clean ones and hostile ones.

PDFs are written by hand (objects, cross-reference table, trailer) so that each hostile feature is
exactly what the test says it is, and nothing else.
"""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

_CONTENT = b"0 0 m 100 100 l S"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R%s >>"


def upload(content: bytes, name: str = "scan.pdf", content_type: str = "application/pdf"):
    """What a browser sends: the name and content type are the client's claims."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def build_pdf(
    *, catalog_extra: bytes = b"", page_extra: bytes = b"", more: tuple[bytes, ...] = ()
) -> bytes:
    """A one-page PDF. Objects 1-4 are catalog, page tree, page and content; ``more`` become
    objects 5, 6, ... and the ``*_extra`` bytes go inside the catalog's and page's dictionaries."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R%s >>" % catalog_extra,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        _PAGE % page_extra,
        _stream(_CONTENT),
        *more,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref_at)
    )
    return out.getvalue()


def clean_pdf() -> bytes:
    return build_pdf()


def pdf_with_javascript_open_action() -> bytes:
    return build_pdf(
        catalog_extra=b" /OpenAction 5 0 R",
        more=(b"<< /Type /Action /S /JavaScript /JS (app.alert\\('hello'\\);) >>",),
    )


def pdf_with_hex_escaped_javascript() -> bytes:
    # /J#61vaScript is /JavaScript and /J#53 is /JS to every PDF reader.
    return build_pdf(
        catalog_extra=b" /Names << /J#61vaScript 5 0 R >>",
        more=(
            b"<< /Names [(x) 6 0 R] >>",
            b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\);) >>",
        ),
    )


def pdf_with_launch_link() -> bytes:
    return build_pdf(
        page_extra=b" /Annots [5 0 R]",
        more=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 200 200] "
            b"/A << /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >> >>",
        ),
    )


def pdf_with_page_additional_action() -> bytes:
    # /AA on a page runs when the page is opened; this one only jumps, but the door is open.
    return build_pdf(page_extra=b" /AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>")


def pdf_with_embedded_file() -> bytes:
    return build_pdf(
        catalog_extra=b" /Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
        more=(
            b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            _stream(b"MZ", b" /Type /EmbeddedFile"),
        ),
    )


def pdf_with_unlisted_javascript_object() -> bytes:
    """JavaScript in an object the cross-reference table does not list: pypdf does not see it,
    but a viewer that rebuilds the table would."""
    pdf = build_pdf()
    hidden = b"9 0 obj\n<< /S /J#61vaScript /JS (app.alert\\(1\\);) >>\nendobj\n"
    at = pdf.index(b"xref\n")
    shifted = pdf[:at] + hidden + pdf[at:]
    # Point startxref at the moved table.
    return shifted.replace(b"startxref\n%d" % at, b"startxref\n%d" % (at + len(hidden)))


def pdf_with_javascript_in_object_stream() -> bytes:
    """A PDF 1.5 file whose catalog and its JavaScript open action sit compressed inside an object
    stream, listed by a cross-reference stream: no byte of the file spells /JavaScript."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Op#65nAction 6 0 R >>"
    action = b"<< /S /JavaScript /JS (app.alert\\(1\\);) >>"
    header = b"1 0 6 %d " % (len(catalog) + 1)
    packed = zlib.compress(header + catalog + b" " + action)
    bodies = {
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: _PAGE % b"",
        4: _stream(_CONTENT),
        5: b"<< /Type /ObjStm /N 2 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    }
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in bodies.items():
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets[7] = out.tell()
    rows = [
        (0, 0, 65535),
        (2, 5, 0),  # 1: catalog, object stream 5, index 0
        (1, offsets[2], 0),
        (1, offsets[3], 0),
        (1, offsets[4], 0),
        (1, offsets[5], 0),
        (2, 5, 1),  # 6: the action, object stream 5, index 1
        (1, offsets[7], 0),
    ]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out.write(
        b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[7]
    )
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(fmt: str = "PNG", size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_pixel_flood(width: int, height: int) -> bytes:
    """A complete, valid 1-bit PNG of ``width`` × ``height`` all-black pixels: a few hundred
    kilobytes on disk, gigabytes once decoded."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    rows_per_piece = max(1, 4_000_000 // len(row))
    pieces = []
    remaining = height
    while remaining:
        count = min(rows_per_piece, remaining)
        pieces.append(compressor.compress(row * count))
        remaining -= count
    pieces.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(pieces))
        + _png_chunk(b"IEND", b"")
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its size and then has no pixel data at all."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")


def zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.exe", b"MZ" + b"\0" * 200)
    return buffer.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
# The start of a Windows executable: "MZ", DOS stub, and a PE header offset.
EXE = b"MZ" + b"\x90\x00" * 29 + struct.pack("<I", 64) + b"PE\0\0" + b"\0" * 400
