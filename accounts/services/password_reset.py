"""What follows a completed password reset."""

from django.db import transaction

from accounts.lockout import lockout_lift
from accounts.models import User
from audit.chain import audit_record


def password_reset_completed(*, user: User) -> None:
    """The emailed link proved control of the account's address and a new password is set: record
    it, and lift a sign-in pause, as the lockout page promises."""
    with transaction.atomic():
        lifted = lockout_lift(user=user)
        audit_record(
            action="account.password_reset",
            actor=user,
            obj=user,
            changes={"sign_in_pause_lifted": [None, bool(lifted)]},
        )
