"""The virus-scanner hook: clamd's INSTREAM protocol against a fake clamd, and the null scanner."""

import io
import logging
import socket

import pytest

from approvals.models import ScanResult
from approvals.security.scanning import ClamdScanner, NullScanner, Verdict, get_scanner, scan_upload
from approvals.security.uploads import UploadRejected
from tests.approvals.uploads.fake_clamd import FakeClamd
from tests.approvals.uploads.files import EICAR


def test_clamd_says_a_clean_file_is_clean(clamd):
    content = b"%PDF-1.7 " + b"x" * 200_000  # several chunks

    outcome = ClamdScanner(clamd.address, timeout=5).scan(io.BytesIO(content))

    assert outcome.verdict is Verdict.CLEAN
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [content]


def test_clamd_finds_the_eicar_test_signature(clamd):
    outcome = ClamdScanner(clamd.address, timeout=5).scan(io.BytesIO(EICAR))

    assert outcome.verdict is Verdict.INFECTED
    assert outcome.detail == "Eicar-Signature"


def test_with_clamd_configured_an_infected_upload_is_refused(clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address

    with pytest.raises(UploadRejected) as caught:
        scan_upload(io.BytesIO(EICAR))

    assert caught.value.code == "infected"


def test_with_clamd_configured_a_clean_upload_is_recorded_as_clean(clamd, settings):
    settings.CLAMD_ADDRESS = clamd.address

    assert scan_upload(io.BytesIO(b"hello")) == ScanResult.CLEAN


def test_an_unreachable_clamd_refuses_the_upload_rather_than_accepting_it_unscanned(settings):
    # given an address on which nothing listens
    probe = socket.create_server(("127.0.0.1", 0))
    settings.CLAMD_ADDRESS = f"127.0.0.1:{probe.getsockname()[1]}"
    probe.close()

    with pytest.raises(UploadRejected) as caught:
        scan_upload(io.BytesIO(b"hello"))

    assert caught.value.code == "scan_failed"


def test_a_clamd_that_does_not_answer_in_time_refuses_the_upload(settings):
    silent = FakeClamd(silent=True)
    settings.CLAMD_ADDRESS = silent.address
    settings.CLAMD_TIMEOUT = 1
    try:
        with pytest.raises(UploadRejected) as caught:
            scan_upload(io.BytesIO(b"hello"))
    finally:
        silent.close()

    assert caught.value.code == "scan_failed"


def test_without_clamd_nothing_is_scanned_and_a_warning_says_so(settings, caplog):
    settings.CLAMD_ADDRESS = ""

    with caplog.at_level(logging.WARNING, logger="portal.scanning"):
        result = scan_upload(io.BytesIO(EICAR), label="application:7/licence")

    assert isinstance(get_scanner(), NullScanner)
    assert result == ScanResult.NOT_SCANNED
    assert any(
        record.levelno == logging.WARNING and "not scanned" in record.getMessage()
        for record in caplog.records
    )


def test_a_unix_socket_path_selects_a_unix_socket(tmp_path, settings):
    settings.CLAMD_ADDRESS = str(tmp_path / "clamd.sock")  # nothing listens there

    scanner = get_scanner()
    outcome = scanner.scan(io.BytesIO(b"x"))

    assert isinstance(scanner, ClamdScanner)
    assert outcome.verdict is Verdict.ERROR
