"""The owner's ways past a sign-in pause that strangers caused: the second factor, or a one-time
link sent to the account's email address and mobile number.

A pause (django-axes, for one client address) or a slow-down (for the account, from many
addresses) stops password guessing; it must not stop the owner. Whoever holds the password AND the
authenticator signs in at once (``sign_in_pause_passed_with_second_factor``); whoever can read the
account's email or text messages can lift the pause with a link (``sign_in_unlock_link_send``,
``sign_in_unlock``). The link only lifts the pause: it does not sign anyone in, so a forwarded or
intercepted message gives no access to the account.
"""

import functools
import logging

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.lockout import lockout_lift
from accounts.models import User
from accounts.services.registration import deliver_to_owner
from audit.chain import audit_record
from audit.models import AuditEvent
from messaging.language import recipient_language
from messaging.links import absolute_link
from portal.ratelimit import RateLimit

logger = logging.getLogger("portal.accounts")

UNLOCKED = "auth.sign_in_unlocked"
# However many addresses ask, the owner gets at most this many links an hour.
UNLOCK_LINKS_PER_ACCOUNT = RateLimit("unlock_link_account", limit=3, period=60 * 60)


def _last_unlock(user: User) -> int:
    event = (
        AuditEvent.objects.filter(object_id=str(user.pk), action=UNLOCKED)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return event or 0


class UnlockTokenGenerator(PasswordResetTokenGenerator):
    """Links that lift a sign-in pause: valid for PASSWORD_RESET_TIMEOUT, and once: using one
    records an unlock event, which every link made before it includes in its hash."""

    key_salt = "accounts.services.sign_in_recovery.UnlockTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}:{_last_unlock(user)}"


unlock_tokens = UnlockTokenGenerator()


def sign_in_pause_passed_with_second_factor(*, user: User, device) -> None:
    """The password and a code of a confirmed device were right while sign-in was paused or
    slowed down: lift the pause and record it (the sign-in itself is recorded as every one is)."""
    with transaction.atomic():
        lifted = lockout_lift(user=user)
        audit_record(
            action="auth.pause_passed_second_factor",
            actor=user,
            obj=user,
            changes={
                "device": [None, device.persistent_id],
                "sign_in_pause_lifted": [None, bool(lifted)],
            },
        )


def sign_in_unlock_link_send(*, identifier: str) -> None:
    """Send a link that lifts the sign-in pause to the owner of the account ``identifier`` names,
    by email and SMS. Nothing happens, and nothing is said, when no active account has it; the
    caller answers the same either way."""
    try:
        user = User.objects.get_by_login(identifier.strip()) if identifier.strip() else None
    except User.DoesNotExist:
        user = None
    if user is None or not user.is_active:
        return
    if not UNLOCK_LINKS_PER_ACCOUNT.hit(str(user.pk)):
        logger.warning("unlock link refused: limit reached for user %s", user.pk)
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = absolute_link(
        reverse(
            "accounts:unlock_confirm",
            kwargs={"uidb64": uid, "token": unlock_tokens.make_token(user)},
        )
    )
    with transaction.atomic():
        audit_record(action="auth.unlock_link_sent", obj=user)
        transaction.on_commit(functools.partial(_send_unlock_link, user, link))


def _send_unlock_link(user: User, link: str) -> None:
    with translation.override(recipient_language(user)):
        subject = _("A link to open sign-in to your account again")
        body = _(
            "Sign-in to your account on the one-stop approval portal was paused after many wrong "
            "passwords. To open it again, use this link within one hour: %(link)s. The link does "
            "not sign you in; sign in with your password afterwards. If you did not ask for it, "
            "someone may be guessing your password: ignore this message, and consider changing "
            "your password."
        ) % {"link": link}
        sms = _(
            "Sign-in to your portal account was paused. To open it again, use this link within "
            "one hour: %(link)s. If you did not ask, ignore this message."
        ) % {"link": link}
    deliver_to_owner(user, subject, body, sms)


def unlock_link_user(uidb64: str, token: str) -> User | None:
    """The account a still-valid unlock link is for, or ``None``."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        return None
    if not user.is_active or not unlock_tokens.check_token(user, token):
        return None
    return user


def sign_in_unlock(*, uidb64: str, token: str) -> User | None:
    """Lift the sign-in pause of the account the link is for, once; ``None`` for a link that is
    invalid, expired or used."""
    with transaction.atomic():
        user = unlock_link_user(uidb64, token)
        if user is None:
            return None
        # One at a time per account, so that a link used twice at once lifts (and counts) once.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if not unlock_tokens.check_token(user, token):
            return None
        lifted = lockout_lift(user=user)
        audit_record(
            action=UNLOCKED,
            obj=user,
            changes={"sign_in_pause_lifted": [None, bool(lifted)]},
        )
    return user
