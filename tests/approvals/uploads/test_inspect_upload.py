"""inspect_upload: the type comes from the content; sizes, PDFs and images are checked."""

import hashlib
import io
import random

import pytest
from django.utils import translation
from PIL import Image

from approvals.security.uploads import UploadRejected, inspect_upload
from tests.approvals.uploads import files


def rejection(content: bytes, name="scan.pdf", content_type="application/pdf", **kwargs) -> str:
    with pytest.raises(UploadRejected) as caught:
        inspect_upload(files.upload(content, name, content_type), **kwargs)
    return caught.value.code


# --- Types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [files.HTML, files.EXE, files.zip_bytes(), b"%!PS-Adobe-3.0\n%%EOF\n", b"just some text\n"],
    ids=["html", "exe", "zip", "postscript", "text"],
)
def test_a_file_claiming_to_be_a_pdf_is_judged_by_its_content(content):
    # given a non-PDF named .pdf and sent as application/pdf
    # when / then it is refused whatever the client claimed
    assert rejection(content, "invoice.pdf", "application/pdf") == "type_not_allowed"


def test_the_rejection_message_says_which_types_are_accepted():
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        inspect_upload(files.upload(files.HTML, "page.pdf"))

    assert "PDF, JPEG or PNG" in caught.value.message


def test_a_clean_pdf_is_accepted_and_described():
    content = files.clean_pdf()

    inspected = inspect_upload(files.upload(content, "营业执照.pdf"))

    assert inspected.content_type == "application/pdf"
    assert inspected.extension == "pdf"
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert inspected.display_name == "营业执照.pdf"


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png")],
)
def test_clean_images_are_accepted_under_the_extension_of_their_real_type(
    fmt, content_type, extension
):
    # given an image sent under a misleading name and content type
    upload = files.upload(files.image_bytes(fmt), "photo.pdf", "application/pdf")

    inspected = inspect_upload(upload)

    assert inspected.content_type == content_type
    assert inspected.display_name == f"photo.{extension}"


def test_the_file_can_be_read_again_after_inspection():
    upload = files.upload(files.clean_pdf())

    inspect_upload(upload)

    assert upload.read() == files.clean_pdf()


# --- Sizes ---------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    content = files.clean_pdf() + b"%" + b"x" * 1000

    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        inspect_upload(files.upload(content))

    assert caught.value.code == "too_large"
    assert "1000" in caught.value.message  # the limit, as "1000 bytes"


def test_the_limit_can_be_given_by_the_caller():
    assert rejection(files.clean_pdf(), max_bytes=100) == "too_large"


def test_a_file_whose_declared_size_understates_its_content_is_still_refused():
    upload = files.upload(files.clean_pdf() + b"%" + b"x" * 5000)
    upload.size = 10  # a lying size must not let the content through

    with pytest.raises(UploadRejected) as caught:
        inspect_upload(upload, max_bytes=1000)

    assert caught.value.code == "too_large"


def test_the_default_limit_is_ten_mebibytes(settings):
    assert settings.ATTACHMENT_MAX_BYTES == 10 * 1024 * 1024


def test_an_empty_file_is_refused():
    assert rejection(b"") == "empty"


def test_a_file_without_a_name_is_refused():
    upload = files.upload(files.clean_pdf())
    upload.name = None

    with pytest.raises(UploadRejected) as caught:
        inspect_upload(upload)

    assert caught.value.code == "name_invalid"


# --- PDFs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        files.pdf_with_javascript_open_action,
        files.pdf_with_hex_escaped_javascript,
        files.pdf_with_launch_link,
        files.pdf_with_page_additional_action,
        files.pdf_with_embedded_file,
        files.pdf_with_unlisted_javascript_object,
        files.pdf_with_javascript_in_object_stream,
    ],
    ids=lambda build: build.__name__.removeprefix("pdf_with_"),
)
def test_pdfs_that_can_act_by_themselves_are_refused(build):
    assert rejection(build()) == "pdf_active_content"


def test_the_compressed_javascript_is_invisible_in_the_raw_bytes():
    # A guard on the test file above: only parsing can find it.
    content = files.pdf_with_javascript_in_object_stream()

    assert b"JavaScript" not in content
    assert b"OpenAction" not in content


def test_a_pdf_with_a_password_is_refused_as_unreadable():
    assert rejection(files.encrypted_pdf()) == "pdf_unreadable"


def test_a_damaged_pdf_is_refused_as_unreadable():
    assert rejection(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R") == "pdf_unreadable"


def test_a_pdf_made_by_the_portal_s_own_pdf_engine_is_accepted():
    from weasyprint import HTML

    content = HTML(
        string='<html lang="zh-CN"><body><h1>申请书</h1><a href="https://gov.cn/">链接</a></body>'
        "</html>"
    ).write_pdf()

    assert inspect_upload(files.upload(content)).content_type == "application/pdf"


# --- Images --------------------------------------------------------------------------------------


def test_a_pixel_flood_is_refused_before_it_is_decoded():
    # given a valid PNG of 50000 x 50000 pixels that is a few hundred kilobytes long
    content = files.png_pixel_flood(50_000, 50_000)
    assert len(content) < 1_000_000

    assert rejection(content, "photo.png", "image/png") == "image_too_many_pixels"


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 6000), (10_000, 10_000)],
    ids=["above-the-portal-limit", "above-pillow-warning-limit"],
)
def test_an_image_declaring_more_pixels_than_the_limit_is_refused(width, height):
    content = files.png_header_only(width, height)

    assert rejection(content, "photo.png", "image/png") == "image_too_many_pixels"


def test_the_pixel_limit_is_a_setting(settings):
    settings.ATTACHMENT_MAX_PIXELS = 1000

    assert rejection(files.image_bytes("PNG", (40, 30)), "a.png", "image/png") == (
        "image_too_many_pixels"
    )


def test_a_damaged_image_is_refused_as_unreadable():
    png = files.image_bytes("PNG")
    damaged = png[:40] + bytes(b ^ 0xFF for b in png[40:60]) + png[60:]

    assert rejection(damaged, "a.png", "image/png") == "image_unreadable"


def test_a_jpeg_that_is_only_a_header_is_refused_as_unreadable():
    assert rejection(b"\xff\xd8\xff\xe0" + b"\0" * 50, "a.jpg", "image/jpeg") == (
        "image_unreadable"
    )


# --- Polyglots -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix", [files.HTML, b"<html>", b"\n", b"   "], ids=["html", "tag", "newline", "spaces"]
)
def test_a_pdf_with_anything_in_front_of_its_header_is_refused(prefix):
    # given a clean PDF with bytes in front of "%PDF-" (libmagic still says PDF for most)
    content = prefix + files.clean_pdf()

    # when / then it is refused: as a PDF polyglot, or by type when libmagic sees the HTML first
    assert rejection(content, "scan.pdf") in {"pdf_not_at_start", "type_not_allowed"}


def test_a_pdf_with_a_short_prefix_is_refused_with_a_clear_message():
    with translation.override("en"), pytest.raises(UploadRejected) as caught:
        inspect_upload(files.upload(b"<html>" + files.clean_pdf(), "scan.pdf"))

    assert caught.value.code == "pdf_not_at_start"
    assert "in front of the PDF" in caught.value.message


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
@pytest.mark.parametrize(
    "suffix", [files.HTML, b"\0", files.zip_bytes()], ids=["html", "one-byte", "zip"]
)
def test_an_image_with_anything_after_its_end_is_refused(fmt, suffix):
    content = files.image_bytes(fmt) + suffix

    assert rejection(content, "photo", f"image/{fmt.lower()}") == "image_trailing_data"


def test_a_png_whose_appended_html_ends_like_a_png_is_still_refused():
    png = files.image_bytes("PNG")
    # the HTML is followed by a copy of the IEND chunk, so the file ends with IEND's bytes
    content = png + files.HTML + png[-12:]

    assert rejection(content, "photo.png", "image/png") == "image_trailing_data"


def test_a_jpeg_whose_appended_html_ends_with_an_end_marker_is_still_refused():
    content = files.image_bytes("JPEG") + files.HTML + b"\xff\xd9"

    assert rejection(content, "photo.jpg", "image/jpeg") == "image_trailing_data"


def test_a_multi_picture_jpeg_with_images_back_to_back_is_accepted():
    # given a camera's multi-picture file: a second complete JPEG right after the first's EOI
    content = files.image_bytes("JPEG") + files.image_bytes("JPEG", size=(16, 12))

    assert inspect_upload(files.upload(content, "photo.jpg", "image/jpeg")).extension == "jpg"


def test_a_noisy_progressive_jpeg_with_restart_markers_is_accepted():
    # noise makes the entropy-coded data full of stuffed 0xFF bytes
    buffer = io.BytesIO()
    Image.frombytes("RGB", (300, 200), random.Random(7).randbytes(300 * 200 * 3)).save(
        buffer, "JPEG", progressive=True, restart_marker_rows=1, quality=90
    )

    inspected = inspect_upload(files.upload(buffer.getvalue(), "photo.jpg", "image/jpeg"))

    assert inspected.content_type == "image/jpeg"
