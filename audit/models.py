"""The tamper-evident audit trail (DESIGN.md §4).

Each event is chained to the one before it: ``hash = SHA-256(previous hash ‖ canonical JSON of the
event)``. Rows are append-only at the database level (triggers in the migration), are written in
the same transaction as the change they record, and take their sequence number from a single head
row that writers lock, so that concurrent writers produce one unbroken chain.
"""

import datetime
import functools
import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext_lazy as _

from audit.sql import CHECKPOINT_TABLE, GENESIS_HASH, HEAD_TABLE, TABLE

# What events recorded before these models moved here from approvals (issue 17) name them as: a
# stored event keeps the object type it was hashed with, and readers look the model up by its
# name of today.
FORMER_OBJECT_TYPES = {
    "approvals.auditevent": "audit.auditevent",
    "approvals.auditchainhead": "audit.auditchainhead",
    "approvals.auditcheckpoint": "audit.auditcheckpoint",
}


def object_model_label(object_type: str) -> str:
    """The model label (``app.model``) of an event's ``object_type``, as the model is named now."""
    return FORMER_OBJECT_TYPES.get(object_type, object_type)


class AuditOutcome(models.TextChoices):
    DONE = "done", _("Done")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    sequence = models.BigIntegerField(_("sequence number"), unique=True, editable=False)
    occurred_at = models.DateTimeField(_("occurred at"), editable=False, db_index=True)
    # Users are deactivated, never deleted; the label keeps the record readable regardless.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    actor_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    on_behalf_of = models.CharField(_("on behalf of"), max_length=100, blank=True)
    client_ip = models.GenericIPAddressField(_("client IP"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason or comment"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.DONE
    )
    previous_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False, unique=True)

    class Meta:
        # The tables keep the names they were created with in approvals (the triggers, the
        # database grants and the backups name them): the app moved, the data did not.
        db_table = TABLE
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"], name="audit_object"),
            models.Index(fields=["actor", "sequence"], name="audit_actor"),
            models.Index(fields=["action", "sequence"], name="audit_action"),
            models.Index(fields=["actor_department", "sequence"], name="audit_department"),
            # The admin's exact-match search (an object number or a request id, of any type).
            models.Index(fields=["object_id"], name="audit_object_id"),
            models.Index(fields=["request_id"], name="audit_request"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def canonical_payload(self) -> dict:
        """Every recorded field except the hash itself, in a form that survives a database
        round trip unchanged."""
        return canonical_payload(*(getattr(self, name) for name in HASHED_FIELDS))

    def compute_hash(self) -> str:
        return event_hash(self.previous_hash, *(getattr(self, name) for name in HASHED_FIELDS))


# The fields an event's hash covers, in the order ``canonical_payload`` and ``event_hash`` take
# them: the chain walk (audit/chain.py) selects these columns and passes each row
# as it is, so that writing and verifying go through one function and can never produce different
# bytes.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "actor_department_id",
    "on_behalf_of",
    "client_ip",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "changes",
    "reason",
    "outcome",
)


def canonical_payload(
    sequence,
    occurred_at,
    actor_id,
    actor_label,
    actor_role,
    actor_department_id,
    on_behalf_of,
    client_ip,
    request_id,
    action,
    object_type,
    object_id,
    changes,
    reason,
    outcome,
) -> dict:
    # Keys in sorted order: the encoder sorts them anyway, and sorting sorted keys is cheapest.
    return {
        "action": action,
        "actor_department_id": actor_department_id,
        "actor_id": actor_id,
        "actor_label": actor_label,
        "actor_role": actor_role,
        "changes": changes,
        "client_ip": _stored_ip(client_ip),
        "object_id": object_id,
        "object_type": object_type,
        "occurred_at": (
            occurred_at  # already spelled so (a stored row, read for the walk)
            if isinstance(occurred_at, str)
            else occurred_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        ),
        "on_behalf_of": on_behalf_of,
        "outcome": outcome,
        "reason": reason,
        "request_id": request_id,
        "sequence": sequence,
    }


# ``json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)``,
# the canonical form every stored hash was computed with, without building a new encoder for
# each event (the walk hashes hundreds of thousands a second). Same options, same bytes.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str, check_circular=False
)
_make_encoder = getattr(json.encoder, "c_make_encoder", None)
if _make_encoder is not None:
    _one_shot = _make_encoder(
        None, str, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )

    def _canonical_json(payload: dict) -> str:
        return "".join(_one_shot(payload, 0))

else:  # an interpreter without the C accelerator
    _canonical_json = _ENCODER.encode


def event_hash(previous_hash: str, *fields) -> str:
    """``SHA-256(previous hash ‖ canonical JSON)`` of an event given as its ``HASHED_FIELDS``
    values (``changes`` as a dict or list, ``occurred_at`` as an aware datetime)."""
    canonical = _canonical_json(canonical_payload(*fields))
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=4096)
def _stored_ip(value: str | None) -> str | None:
    """The address as the column stores it: "" as NULL, IPv6 in Django's canonical form (a
    request's ``::ffff:102:304`` is saved, and read back, as ``::ffff:1.2.3.4``). Cached: the
    walk meets the same few addresses again and again."""
    if not value:
        return None
    return clean_ipv6_address(value) if ":" in value else value


class AuditChainHead(models.Model):
    """The single row that writers lock to take the next sequence number and previous hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    sequence = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        db_table = HEAD_TABLE
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class AuditCheckpoint(models.Model):
    """The chain's head (sequence and hash) at one moment, signed with the portal's Ed25519 key.

    Kept outside the audit table (and exportable as a file), so that cutting off the tail of the
    chain together with the head row is still detected: the chain must reach every checkpoint.
    """

    sequence = models.BigIntegerField(_("sequence number"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    key_id = models.CharField(_("key fingerprint"), max_length=64)
    signature = models.CharField(_("signature"), max_length=200)

    class Meta:
        db_table = CHECKPOINT_TABLE
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-sequence", "-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="checkpoint_created")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.head_hash[:12]}"
