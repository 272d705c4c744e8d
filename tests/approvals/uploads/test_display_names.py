"""The user's filename is only metadata, and it is cleaned before anyone sees it."""

import unicodedata

import pytest

from approvals.security.uploads import DISPLAY_NAME_MAX_LENGTH, clean_display_name, inspect_upload
from tests.approvals.uploads import files


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/var/www/html/shell.php", "shell.pdf"),
        ("C:\\Users\\张三\\Desktop\\身份证.pdf", "身份证.pdf"),
        ("..／..／secret.pdf", "secret.pdf"),  # full-width slashes
        (".htaccess", "htaccess.pdf"),
        ("...", "attachment.pdf"),
        ("", "attachment.pdf"),
        ("../", "attachment.pdf"),
        ("营业  执照\t副本\r\n .pdf", "营业 执照 副本.pdf"),
        ("report.final version", "report.final version.pdf"),
        ('a<b>c:"d"|e?f*.pdf', "a_b_c__d__e_f_.pdf"),
        ("ｉｎｖｏｉｃｅ．ｐｄｆ", "invoice.pdf"),  # NFKC
    ],
)
def test_names_are_cleaned(raw, expected):
    assert clean_display_name(raw, "pdf") == expected


def test_a_right_to_left_override_cannot_disguise_an_executable():
    # given a name a browser would show as "invoiceexe.jpg"
    raw = "invoice\u202egpj.exe"

    cleaned = clean_display_name(raw, "png")

    assert cleaned == "invoicegpj.png"
    assert "\u202e" not in cleaned


@pytest.mark.parametrize(
    "char",
    [
        *("\u202a", "\u202b", "\u202c", "\u202d", "\u202e"),  # bidi embeddings and overrides
        *("\u2066", "\u2067", "\u2068", "\u2069"),  # bidi isolates
        *("\u200e", "\u200f"),  # direction marks
        *("\u200b", "\u200c", "\u200d", "\ufeff"),  # zero-width characters
        *("\x00", "\x1b", "\x7f"),  # control characters
    ],
)
def test_control_bidi_and_invisible_characters_are_removed(char):
    cleaned = clean_display_name(f"合同{char}扫描件.pdf", "pdf")

    assert cleaned == "合同扫描件.pdf"
    assert all(unicodedata.category(c) not in {"Cc", "Cf"} for c in cleaned)


def test_a_very_long_name_is_cut_but_keeps_its_extension():
    cleaned = clean_display_name("很" * 500 + ".pdf", "pdf")

    assert len(cleaned) == DISPLAY_NAME_MAX_LENGTH
    assert cleaned.endswith("很.pdf")


def test_the_extension_is_that_of_the_detected_type():
    assert clean_display_name("photo.exe", "jpg") == "photo.jpg"
    assert clean_display_name("archive.tar.gz", "pdf") == "archive.tar.pdf"


def test_inspection_returns_the_cleaned_name_of_a_right_to_left_override_upload():
    upload = files.upload(files.image_bytes("PNG"), "invoice\u202egpj.exe", "image/jpeg")

    inspected = inspect_upload(upload)

    assert inspected.display_name == "invoicegpj.png"
    assert not inspected.display_name.endswith(".jpg")


def test_inspection_cleans_traversal_and_nul_in_names():
    upload = files.upload(files.clean_pdf(), "x")
    upload.name = "../../申请表\x00.exe"  # Django would have cut the path; a caller might not

    assert inspect_upload(upload).display_name == "申请表.pdf"
