"""The electronic seal (电子印章): every issued PDF is signed (PAdES baseline B) with the issuing
department's certificate.

Keys and certificates live in ``SEAL_CERT_DIR`` (never in the database, never in git):

- ``ca.cert.pem`` — the root that the departments' certificates chain to (the trust root that a
  verifier checks against);
- ``<department code>.key.pem`` and ``<department code>.cert.pem`` — each department's seal.

With ``SEAL_DEMO_CA`` on (the embedded default, never in production) a missing file is created:
a local demo CA (``ca.key.pem`` beside its certificate) and a department certificate issued by it
(``manage.py ensure_seal_certificates`` creates them all at ``make run``). In production the
files come from the government's CA and a missing one is an error.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings

CA_CERT = "ca.cert.pem"
# Demo seals are valid from long ago, so that a document dated by a clock set back (tests travel
# in time) still validates against a demo CA created later.
DEMO_VALID_FROM = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CA_KEY = "ca.key.pem"

_lock = threading.Lock()
_signers: dict[tuple[str, float], object] = {}  # by certificate file and its mtime


class SealNotConfigured(RuntimeError):
    """The department has no seal certificate (production: install it under SEAL_CERT_DIR)."""


def seal_dir() -> Path:
    return Path(settings.SEAL_CERT_DIR)


def _paths(code: str) -> tuple[Path, Path]:
    return seal_dir() / f"{code}.key.pem", seal_dir() / f"{code}.cert.pem"


def _passphrase() -> bytes | None:
    return settings.SEAL_KEY_PASSPHRASE.encode() if settings.SEAL_KEY_PASSPHRASE else None


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)


def _key_pem(key) -> bytes:
    passphrase = _passphrase()
    encryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _name(common_name: str, organisation: str, unit: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:  # the department's code: what the portal looks the seal up by
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _demo_ca():
    """The demo CA's key and certificate, created on first use."""
    key_path, cert_path = seal_dir() / CA_KEY, seal_dir() / CA_CERT
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), _passphrase())
        return key, x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Portal demo seal CA (not for production)", "One-stop Approval Portal (demo)")
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(DEMO_VALID_FROM)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, _key_pem(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def ensure_demo_ca() -> Path:
    """The demo CA's certificate (created when missing): the trust root of the demo seals."""
    with _lock:
        _demo_ca()
    return seal_dir() / CA_CERT


def has_certificate(department) -> bool:
    return all(path.exists() for path in _paths(department.code))


def ensure_department_certificate(department) -> bool:
    """Create the department's demo seal when it has none; ``True`` if one was created."""
    key_path, cert_path = _paths(department.code)
    if key_path.exists() and cert_path.exists():
        return False
    with _lock:
        if key_path.exists() and cert_path.exists():
            return False
        ca_key, ca_cert = _demo_ca()
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                _name(
                    department.name_en[:64] or department.code, department.name_zh, department.code
                )
            )
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(DEMO_VALID_FROM)
            .not_valid_after(now + dt.timedelta(days=3 * 365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(key_path, _key_pem(key))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return True


def _signer(department):
    from pyhanko.sign import signers

    key_path, cert_path = _paths(department.code)
    if not (key_path.exists() and cert_path.exists()):
        if not settings.SEAL_DEMO_CA:
            raise SealNotConfigured(
                f"no seal certificate for department {department.code!r} in {seal_dir()}"
            )
        ensure_department_certificate(department)
    cache_key = (str(cert_path), cert_path.stat().st_mtime)
    signer = _signers.get(cache_key)
    if signer is None:
        ca_chain = [seal_dir() / CA_CERT] if (seal_dir() / CA_CERT).exists() else []
        signer = signers.SimpleSigner.load(
            str(key_path),
            str(cert_path),
            ca_chain_files=[str(path) for path in ca_chain],
            key_passphrase=_passphrase(),
        )
        if signer is None:
            raise SealNotConfigured(f"the seal of {department.code!r} could not be loaded")
        _signers[cache_key] = signer
    return signer


def _outside_event_loop(function, *args, **kwargs):
    """Call pyhanko's synchronous API, which runs its own event loop (``asyncio.run``): in a
    helper thread when this thread already runs one (an async caller, a Playwright test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def seal_pdf(pdf: bytes, *, department, reason: str = "") -> bytes:
    """``pdf`` signed with the department's seal (an incremental update: the rendered bytes stay
    as they are, the signature covers all of them)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name="DepartmentSeal",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        name=department.name_zh,
    )
    out = _outside_event_loop(signers.sign_pdf, writer, metadata, signer=_signer(department))
    return out.getvalue()


@dataclass(frozen=True)
class SealCheck:
    signed: bool
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer chains to the trust root
    signer: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


def check_seal(pdf: bytes, *, trust_roots: list[Path] | None = None) -> SealCheck:
    """Validate the seal of ``pdf`` against the trust root (``SEAL_CERT_DIR/ca.cert.pem`` unless
    given). A file changed after sealing is not ``intact`` (or carries unsigned changes)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for path in trust_roots or [seal_dir() / CA_CERT]:
        data = Path(path).read_bytes()
        if pem.detect(data):
            data = pem.unarmor(data)[2]
        roots.append(asn1_x509.Certificate.load(data))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 — any unreadable file carries no valid seal
        return SealCheck(signed=False, intact=False, trusted=False)
    if not signatures:
        return SealCheck(signed=False, intact=False, trusted=False)
    embedded = signatures[-1]
    try:
        status = _outside_event_loop(
            validate_pdf_signature, embedded, ValidationContext(trust_roots=roots)
        )
    except Exception:  # noqa: BLE001 — a signature pyhanko cannot even parse is not valid
        return SealCheck(signed=True, intact=False, trusted=False)
    covers_all = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return SealCheck(
        signed=True,
        intact=bool(status.intact and status.valid and covers_all),
        trusted=bool(status.trusted),
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
    )
