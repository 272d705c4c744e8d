"""Two-factor events: enrolment, verification and failures, each audited."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from accounts.models import User
from audit.chain import audit_record
from audit.models import AuditOutcome

BACKUP_CODE_COUNT = 10


def second_factor_confirm_device(*, user: User, device) -> list[str]:
    """Confirm the authenticator and issue fresh one-time backup codes (shown once)."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        static, _ = StaticDevice.objects.get_or_create(user=user, name="backup")
        static.token_set.all().delete()
        codes = [secrets.token_hex(4) for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
        audit_record(action="otp.device_confirmed", actor=user, obj=user)
    return codes


def second_factor_verified(*, user: User, device) -> None:
    with transaction.atomic():
        audit_record(
            action="otp.verified",
            actor=user,
            obj=user,
            changes={"device": [None, device.persistent_id]},
        )


def second_factor_record_failure(*, user: User, stage: str) -> None:
    with transaction.atomic():
        audit_record(
            action="otp.failed",
            actor=user,
            obj=user,
            outcome=AuditOutcome.DENIED,
            changes={"stage": [None, stage]},
        )
