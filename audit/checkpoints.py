"""Signed checkpoints of the audit chain (DESIGN.md §4: truncation must be detectable).

The head row that writers update lives next to the events: someone who can delete the last events
can also set the head back. A checkpoint — the head's sequence number and hash, signed with the
portal's Ed25519 key — is stored in its own table (``AuditCheckpoint``) and can be exported as a
file kept elsewhere; ``verify_audit`` then requires the chain to reach the checkpoint's event with
the same hash, and the signature to verify.

The private key is read from ``AUDIT_SIGNING_KEY_PATH`` (PEM, PKCS#8). When that file does not
exist a key is generated there on first use (mode 0600) — convenient for the embedded demo; in
production, create the key once, back it up, and keep a copy of the public key with the exported
checkpoints.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.chain import (
    ChainProblem,
    audit_record,
    chain_reaches,
    stored_event_intact,
    walk_chain,
)
from audit.models import AuditChainHead, AuditCheckpoint

logger = logging.getLogger("portal.audit")

FILE_FORMAT = "portal-audit-checkpoint/1"


def _key_path() -> Path:
    return Path(settings.AUDIT_SIGNING_KEY_PATH)


def signing_key() -> Ed25519PrivateKey:
    """The portal's checkpoint key; generated at ``AUDIT_SIGNING_KEY_PATH`` when missing."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        logger.warning("generated a new audit checkpoint signing key at %s", path)
        return key
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def _message(sequence: int, head_hash: str, created_at: dt.datetime) -> bytes:
    stamp = created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return f"{FILE_FORMAT}|{sequence}|{head_hash}|{stamp}".encode()


@transaction.atomic
def checkpoint_create() -> AuditCheckpoint:
    """Sign the chain's current head and store it; the checkpoint is itself audited (the event
    comes after the checkpointed head, so it does not change what was signed)."""
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    key = signing_key()
    created_at = timezone.now()
    signature = key.sign(_message(head.sequence, head.hash, created_at))
    checkpoint = AuditCheckpoint.objects.create(
        sequence=head.sequence,
        head_hash=head.hash,
        created_at=created_at,
        key_id=key_fingerprint(key.public_key()),
        signature=base64.b64encode(signature).decode("ascii"),
    )
    audit_record(
        action="audit.checkpointed",
        obj=checkpoint,
        changes={"sequence": [None, head.sequence], "head_hash": [None, head.hash]},
    )
    return checkpoint


def checkpoint_as_dict(checkpoint: AuditCheckpoint) -> dict:
    return {
        "format": FILE_FORMAT,
        "sequence": checkpoint.sequence,
        "head_hash": checkpoint.head_hash,
        "created_at": checkpoint.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "key_id": checkpoint.key_id,
        "signature": checkpoint.signature,
    }


def checkpoint_export(checkpoint: AuditCheckpoint, path: Path) -> None:
    path.write_text(json.dumps(checkpoint_as_dict(checkpoint), indent=2) + "\n", encoding="utf-8")


class CheckpointFileInvalid(ValueError):
    pass


def checkpoint_from_file(path: Path) -> AuditCheckpoint:
    """An (unsaved) checkpoint read from an exported file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FILE_FORMAT:
            raise CheckpointFileInvalid(f"{path}: not an audit checkpoint file")
        return AuditCheckpoint(
            sequence=int(data["sequence"]),
            head_hash=str(data["head_hash"]),
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            key_id=str(data.get("key_id", "")),
            signature=str(data["signature"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        if isinstance(error, CheckpointFileInvalid):
            raise
        raise CheckpointFileInvalid(f"{path}: cannot read the checkpoint ({error})") from error


def signature_valid(checkpoint: AuditCheckpoint) -> bool:
    """Checked with the portal's own key, never with a key the checkpoint names."""
    public_key = signing_key().public_key()
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        public_key.verify(
            signature,
            _message(checkpoint.sequence, checkpoint.head_hash, checkpoint.created_at),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def checkpoint_problem(checkpoint: AuditCheckpoint) -> ChainProblem | None:
    """What is wrong between an intact stored chain and ``checkpoint``, if anything."""
    if not signature_valid(checkpoint):
        return ChainProblem(
            checkpoint.sequence, "the signed checkpoint's signature does not verify"
        )
    return chain_reaches(
        sequence=checkpoint.sequence, head_hash=checkpoint.head_hash, what="the signed checkpoint"
    )


@dataclass(frozen=True)
class Verification:
    problem: ChainProblem | None
    events: int
    head_hash: str
    checkpoints: tuple[AuditCheckpoint, ...]
    # How many events were walked, and after which verified checkpoint (None: from the first).
    walked: int = 0
    since: AuditCheckpoint | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


# How many stored checkpoints, newest first, an incremental walk tries as its starting point
# before it walks from the first event.
START_CANDIDATES = 5


def _verified_start(head_sequence: int) -> AuditCheckpoint | None:
    """The newest stored checkpoint that verifies on its own — its signature, and the stored event
    at its sequence carrying its hash with content that hashes to it — from which the walk may
    start: the events up to it were walked by an earlier verification, and any later rewrite of
    them would change the hash the signature covers."""
    candidates = AuditCheckpoint.objects.filter(
        sequence__gt=0, sequence__lte=head_sequence
    ).order_by("-sequence", "-created_at")[:START_CANDIDATES]
    for checkpoint in candidates:
        if signature_valid(checkpoint) and stored_event_intact(
            sequence=checkpoint.sequence, event_hash_=checkpoint.head_hash
        ):
            return checkpoint
    return None


def verify_audit_trail(
    *, extra_checkpoints: tuple[AuditCheckpoint, ...] = (), full: bool = False
) -> Verification:
    """Walk the chain up to the head row, then check the latest stored checkpoint and any
    exported ones given.

    By default the walk starts after the newest signed checkpoint that verifies (incremental: a
    daily checkpoint means a day's events are walked); ``full`` walks every event from the first,
    which also finds an event before that checkpoint edited without its hash."""
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None:
        return Verification(
            ChainProblem(0, "the chain head row is missing: cannot tell whether events were cut"),
            0,
            "",
            (),
        )
    checkpoints = tuple(
        filter(None, [AuditCheckpoint.objects.order_by("-sequence", "-created_at").first()])
    ) + tuple(extra_checkpoints)
    since = None if full else _verified_start(head.sequence)
    walk = (
        walk_chain(after_sequence=since.sequence, after_hash=since.head_hash)
        if since
        else walk_chain()
    )
    problem = walk.problem or chain_reaches(
        sequence=head.sequence, head_hash=head.hash, what="the head"
    )
    for checkpoint in checkpoints:
        if problem is not None:
            break
        problem = checkpoint_problem(checkpoint)
    return Verification(problem, head.sequence, head.hash, checkpoints, walk.walked, since)
