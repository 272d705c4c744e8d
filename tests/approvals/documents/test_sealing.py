"""The electronic seal: every issued PDF is signed with the issuing department's certificate,
validates against the CA as trust root, and any change to the file breaks it."""

from django.core.management import call_command

from approvals.documents.sealing import CA_CERT, check_seal, seal_dir
from approvals.models import DocumentKind
from tests.approvals.documents.conftest import issue, pdf_bytes, rendered


def test_an_issued_pdf_carries_a_valid_seal_of_its_department(decided):
    # given an issued, rendered decision
    document = rendered(issue(decided, DocumentKind.DENIAL_DECISION, extra={"reasons": "不符合"}))
    # when its signature is validated against the CA as the only trust root
    check = check_seal(pdf_bytes(document), trust_roots=[seal_dir() / CA_CERT])
    # then it is intact, trusted and signed by the issuing department
    assert check.valid and check.signed and check.intact and check.trusted
    assert decided.service_version.item.department.code in check.signer


def test_a_modified_file_fails_validation(decided):
    document = rendered(issue(decided, DocumentKind.ACCEPTANCE_NOTICE))
    data = bytearray(pdf_bytes(document))
    # when one byte inside the signed range changes (the document's text stream)
    middle = len(data) // 3
    data[middle] = (data[middle] + 1) % 256

    check = check_seal(bytes(data))

    assert not check.valid and not check.intact


def test_a_file_appended_to_after_sealing_fails_validation(decided):
    document = rendered(issue(decided, DocumentKind.ACCEPTANCE_NOTICE))
    data = pdf_bytes(document) + b"\n1 0 obj\n(forged)\nendobj\n"

    assert not check_seal(data).valid


def test_another_trust_root_does_not_trust_the_seal(decided, tmp_path, settings):
    document = rendered(issue(decided, DocumentKind.ACCEPTANCE_NOTICE))
    # given a second, unrelated demo CA
    settings.SEAL_CERT_DIR = tmp_path / "other-ca"
    call_command("ensure_seal_certificates", verbosity=0)

    check = check_seal(pdf_bytes(document), trust_roots=[tmp_path / "other-ca" / CA_CERT])

    assert check.intact and not check.trusted and not check.valid


def test_ensure_seal_certificates_creates_the_ca_and_each_departments_seal_once(
    decided, tmp_path, settings
):
    settings.SEAL_CERT_DIR = tmp_path / "seals"
    department = decided.service_version.item.department

    call_command("ensure_seal_certificates", verbosity=0)
    first = (tmp_path / "seals" / f"{department.code}.cert.pem").read_bytes()
    call_command("ensure_seal_certificates", verbosity=0)

    assert (tmp_path / "seals" / CA_CERT).exists()
    assert (tmp_path / "seals" / f"{department.code}.cert.pem").read_bytes() == first
    assert (tmp_path / "seals" / f"{department.code}.key.pem").stat().st_mode & 0o077 == 0


def test_without_the_demo_ca_a_missing_seal_is_an_error(decided, tmp_path, settings):
    import pytest

    from approvals.documents.sealing import SealNotConfigured

    settings.SEAL_CERT_DIR = tmp_path / "empty"
    settings.SEAL_DEMO_CA = False
    document = issue(decided, DocumentKind.ACCEPTANCE_NOTICE)

    with pytest.raises(SealNotConfigured):
        rendered(document)
    document.refresh_from_db()
    assert document.sha256 == "" and not document.file
