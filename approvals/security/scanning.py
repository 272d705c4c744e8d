"""The virus-scanner hook for attachments.

With ``CLAMD_ADDRESS`` set, every upload is streamed to clamd (ClamAV's daemon) with its INSTREAM
command, and an upload is kept only when clamd answers that it is clean: an infected file, and
any failure to get an answer, are refused. Without it, ``NullScanner`` lets files through and logs a
warning for each, so that an installation without a scanner cannot go unnoticed.
"""

import logging
import socket
import struct
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.utils.translation import gettext as _

from approvals.models.application import ScanResult
from approvals.security.uploads import UploadRejected

logger = logging.getLogger("portal.scanning")


class Verdict(Enum):
    CLEAN = "clean"
    INFECTED = "infected"
    ERROR = "error"
    NOT_SCANNED = "not_scanned"


@dataclass(frozen=True)
class ScanOutcome:
    verdict: Verdict
    detail: str = ""  # clamd's signature name or the error, for the logs; never shown to users


class NullScanner:
    """No scanner configured: nothing is scanned, and the log says so every time."""

    def scan(self, fileobj, *, label: str = "") -> ScanOutcome:
        logger.warning(
            "no virus scanner configured (set CLAMD_ADDRESS); upload %s was not scanned", label
        )
        return ScanOutcome(Verdict.NOT_SCANNED)


class ClamdScanner:
    """A client for clamd's INSTREAM command over TCP (``host:port``) or a Unix socket (a path).

    The protocol: send ``zINSTREAM\\0``, then the file as chunks each prefixed with its length as a
    4-byte big-endian number, then a zero length; clamd answers ``stream: OK`` or
    ``stream: <signature> FOUND`` (or ``... ERROR``), terminated by NUL.
    """

    chunk_size = 64 * 1024

    def __init__(self, address: str, *, timeout: float = 30.0):
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.address)
            except OSError:
                sock.close()
                raise
            return sock
        host, _sep, port = self.address.rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=self.timeout)

    def scan(self, fileobj, *, label: str = "") -> ScanOutcome:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                fileobj.seek(0)
                while chunk := fileobj.read(self.chunk_size):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                reply = self._read_reply(sock)
        except (OSError, ValueError) as exc:
            logger.error("virus scan of %s failed: clamd at %s: %s", label, self.address, exc)
            return ScanOutcome(Verdict.ERROR, str(exc))
        finally:
            fileobj.seek(0)
        return self._outcome(reply, label)

    @staticmethod
    def _read_reply(sock: socket.socket) -> str:
        data = b""
        while not data.endswith(b"\0") and len(data) < 4096:
            part = sock.recv(4096)
            if not part:
                break
            data += part
        return data.rstrip(b"\0").decode("utf-8", "replace").strip()

    def _outcome(self, reply: str, label: str) -> ScanOutcome:
        # "stream: OK" / "stream: Eicar-Signature FOUND" / "INSTREAM size limit exceeded. ERROR"
        result = reply.partition(": ")[2] if reply.startswith("stream: ") else reply
        if result == "OK":
            return ScanOutcome(Verdict.CLEAN)
        if result.endswith(" FOUND"):
            signature = result.removesuffix(" FOUND")
            logger.warning("virus scan of %s: infected (%s)", label, signature)
            return ScanOutcome(Verdict.INFECTED, signature)
        logger.error("virus scan of %s failed: clamd answered %r", label, reply)
        return ScanOutcome(Verdict.ERROR, reply or "no answer")


def get_scanner():
    address = settings.CLAMD_ADDRESS
    if address:
        return ClamdScanner(address, timeout=settings.CLAMD_TIMEOUT)
    return NullScanner()


def scan_upload(fileobj, *, label: str = "") -> str:
    """Scan ``fileobj`` with the configured scanner; the ``ScanResult`` to record, or raise
    ``UploadRejected`` (``infected``, or ``scan_failed``: a configured scanner that does not
    answer never lets a file through unscanned)."""
    outcome = get_scanner().scan(fileobj, label=label)
    if outcome.verdict is Verdict.CLEAN:
        return ScanResult.CLEAN
    if outcome.verdict is Verdict.NOT_SCANNED:
        return ScanResult.NOT_SCANNED
    if outcome.verdict is Verdict.INFECTED:
        raise UploadRejected(
            "infected",
            _("The virus scanner found malicious content in this file. It has not been kept."),
        )
    raise UploadRejected(
        "scan_failed",
        _("The file could not be checked for viruses just now. Please try again in a few minutes."),
    )
