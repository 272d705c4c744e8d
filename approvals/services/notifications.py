"""Notifications: an in-app message, with an email and a text message beside it.

The in-app row is written in the caller's transaction, so it exists exactly when the change it
reports does; email and SMS go out from the worker after the commit (a rolled-back change sends
nothing, and no request waits for a mail server). Every text is rendered in the recipient's
preferred language, not the language of whoever caused it; the in-app row keeps its title and
body in every language of the portal, so that the page shows them in the reader's language of
the moment (``Notification.text_in``). A private text (a query code) is never
stored in clear: it is sealed (encrypted with a key derived from the secret key) in the row until
the email and SMS went out, and emptied then.

A task the broker lost (an outage, a failed publish after the commit) is queued again by
``notifications_resend_sweep``, from the rows whose email and SMS have not gone out; the send is
idempotent, so a notification queued twice goes out once.
"""

import base64
import datetime as dt
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy

from accounts.models import User
from approvals.models import Application, Notification
from approvals.selectors import policy
from messaging.language import recipient_language
from messaging.links import absolute_link
from messaging.sms import get_sms_backend
from portal.queueing import enqueue, enqueue_on_commit

logger = logging.getLogger("portal.notifications")


def _interpolate(message, params: dict) -> str:
    return str(message) % params if params else str(message)


_lazy_interpolate = lazy(_interpolate, str)


def message(text, **params) -> Promise:
    """A translatable text with its parameters, translated only when rendered, so that ``notify``
    can render it in the recipient's language: ``message(gettext_lazy("%(n)s received"), n=...)``.
    """
    return _lazy_interpolate(text, params)


SENTENCE_ENDS = "。．.！!？? \n"


def clause(text: str) -> str:
    """A typed text made ready to sit inside a sentence that ends it: without its own final full
    stop, so that "理由：%(reasons)s。" never reads "。。" when the official ended theirs."""
    return (text or "").strip().rstrip(SENTENCE_ENDS)


def notify(
    *,
    user: User,
    kind: str,
    title,
    body,
    link: str = "",
    application: Application | None = None,
    private_text="",
    deliver: bool = True,
) -> Notification:
    """Tell ``user`` something: an in-app notification now, an email and an SMS after commit.

    ``title``, ``body`` and ``private_text`` may be lazy texts (see ``message``): the title and
    body are stored in every language, the email and SMS use the recipient's preferred one.
    ``private_text`` goes into the email and the SMS only and is never stored (the query code of
    a receipt, for example). ``deliver=False``: the caller queues the email and SMS itself, with
    others of the same event (``deliver_on_commit``).
    """
    texts = _texts_in_every_language(title, body)
    notification = Notification.objects.create(
        **_notification_fields(user, texts),
        application=application,
        kind=kind,
        link=link,
        sealed_private=_sealed_for(user, private_text),
    )
    if deliver:
        enqueue_on_commit("approvals.tasks.notification_send_task", notification.pk)
    return notification


def notify_many(
    *,
    users,
    kind: str,
    title,
    body,
    link: str = "",
    application: Application | None = None,
    deliver: bool = True,
) -> list[Notification]:
    """``notify`` for everyone in ``users`` with the same news (a window's clerks): the texts
    rendered once, the in-app rows written in one statement, their email and SMS sent by one task
    after the commit (``deliver=False``: queued by the caller, ``deliver_on_commit``). No private
    text: that is for one person."""
    notice = {"kind": kind, "title": title, "body": body, "link": link}
    return notify_groups([(users, application, notice)], deliver=deliver)


def notify_groups(groups, *, deliver: bool = True) -> list[Notification]:
    """``notify_many`` for several pieces of news at once (the new tasks and the notices of a
    batch of deemed acceptances): ``groups`` of (users, application, notice) where ``notice`` is
    a ``NoticeText``'s fields; each text rendered once, every row written in one statement, their
    email and SMS sent by one task after the commit. A notice's ``private_text`` (the receipt's
    query code) is rendered in each reader's language and sealed in their row, as ``notify``
    does."""
    notifications = []
    for users, application, notice in groups:
        users = list(users)
        if not users:
            continue
        texts = _texts_in_every_language(notice["title"], notice["body"])
        private_text = notice.get("private_text")
        notifications += [
            Notification(
                **_notification_fields(user, texts),
                application=application,
                kind=notice["kind"],
                link=notice.get("link") or "",
                sealed_private=_sealed_for(user, private_text) if private_text else "",
            )
            for user in users
        ]
    if not notifications:
        return []
    notifications = Notification.objects.bulk_create(notifications)
    if deliver:
        deliver_on_commit(notifications)
    return notifications


def deliver_on_commit(notifications: list[Notification]) -> None:
    """The email and SMS of ``notifications`` (one event's), sent by one task after the commit:
    one message to the broker, however many people are told. A private text goes too: the rows
    keep it sealed until it went out."""
    if notifications:
        enqueue_on_commit(
            "approvals.tasks.notifications_send_task",
            [notification.pk for notification in notifications],
        )


def _texts_in_every_language(title, body) -> dict:
    title_length = Notification._meta.get_field("title").max_length
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = {"title": str(title)[:title_length], "body": str(body)}
    return texts


def _sealed_for(user: User, private_text) -> str:
    """``private_text`` in ``user``'s language, sealed for their row (see ``seal_private_text``)."""
    with translation.override(recipient_language(user)):
        return seal_private_text(str(private_text))


def _notification_fields(user: User, texts: dict) -> dict:
    """The row's own columns: its reader, and the texts (the reader's language as the default)."""
    text = texts[recipient_language(user)]
    return {"user": user, "title": text["title"], "body": text["body"], "texts": texts}


def applicant_users(application: Application, actor: User | None = None) -> list[User]:
    """Who hears about the application as its applicant: whoever filed it, the person it is for,
    and (if given) whoever acted now; each once."""
    # Whoever acted is usually the filer too: not read again.
    known = {actor.pk: actor} if actor is not None else {}
    users = [known.get(application.created_by_id) or application.created_by]
    if application.person_id is not None:
        person = application.person
        users.append(known.get(person.user_id) or person.user)
    if actor is not None:
        users.append(actor)
    return list({user.pk: user for user in users}.values())


def applicant_notice_group(application: Application, notice: dict) -> tuple:
    """``tell_applicant``'s news as a group of ``notify_groups`` (a batch tells many at once)."""
    link = notice.get("link") or reverse("approvals:application_detail", args=[application.pk])
    return applicant_users(application), application, {**notice, "link": link}


def tell_applicant(application: Application, *, kind: str, title, body, link: str = "") -> None:
    """Notify every applicant user; the link defaults to the application's page."""
    link = link or reverse("approvals:application_detail", args=[application.pk])
    for user in applicant_users(application):
        notify(user=user, kind=kind, application=application, link=link, title=title, body=body)


def _fernet(key: str) -> Fernet:
    digest = hashlib.sha256(f"approvals.notifications.private:{key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal_private_text(text: str) -> str:
    """``text`` encrypted for the worker (the broker never holds a query code in clear)."""
    return _fernet(settings.SECRET_KEY).encrypt(text.encode()).decode() if text else ""


def _unseal_private_text(sealed: str) -> str:
    if not sealed:
        return ""
    for key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return _fernet(key).decrypt(sealed.encode()).decode()
        except InvalidToken:
            continue
    logger.error("a notification's private text could not be unsealed (secret key changed?)")
    return ""


def notification_send_outside(*, notification_id: int, sealed_private: str = "") -> bool:
    """Email and SMS for notification ``notification_id``, once (the worker's task): ``False``
    when they had already gone out. A failing mail server or SMS gateway must not undo or hide
    the change that was already committed: the failure is logged, and the in-app notification is
    there. The private text is the row's (``sealed_private`` is for messages queued before the
    row kept it)."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification_id, sent_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        sealed_private = notification.sealed_private or sealed_private
        notification.sent_at = timezone.now()
        notification.sealed_private = ""
        notification.save(update_fields=["sent_at", "sealed_private"])
    user = notification.user
    language = recipient_language(user)
    text = notification.text_in(language)
    context = {
        "user": user,
        "title": text["title"],
        "body": text["body"],
        "private": _unseal_private_text(sealed_private),
        "link": absolute_link(notification.link),
        "portal_name": settings.PORTAL_NAME,
    }
    try:
        with translation.override(language):
            subject = render_to_string("approvals/email/notification_subject.txt", context)
            text = render_to_string("approvals/email/notification.txt", context)
            html = render_to_string("approvals/email/notification.html", context)
        email = EmailMultiAlternatives(
            subject=" ".join(subject.split()), body=text, to=[user.email]
        )
        email.attach_alternative(html, "text/html")
        email.send()
    except Exception:
        logger.exception("notification email to user %s failed", user.pk)
    if not user.mobile:
        return True
    try:
        with translation.override(language):
            sms = render_to_string("approvals/email/notification_sms.txt", context)
        get_sms_backend().send(user.mobile, " ".join(sms.split()))
    except Exception:
        logger.exception("notification SMS to user %s failed", user.pk)
    return True


# A notification whose email and SMS have not gone out this long after it was written lost its
# task; one older than the give-up age is no longer news worth a message (and rows written before
# ``sent_at`` existed must not all go out on the first run). Each run is bounded.
RESEND_GIVE_UP_AFTER = dt.timedelta(days=2)
RESEND_BATCH = 500
RESEND_TASK_CHUNK = 50


def notifications_resend_sweep(*, now: dt.datetime | None = None) -> dict:
    """Queue again the email and SMS of notifications whose task was lost (the beat's periodic
    run). Set-based and bounded, through the partial index ``notification_unsent``: in the steady
    state it reads no row. Rows with nothing to send (no email address and no mobile number) and
    rows past the give-up age are marked as dealt with (``sent_at``), never queued, so that they
    are not tried for ever."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.NOTIFICATION_RESEND_GRACE_SECONDS)
    give_up = now - RESEND_GIVE_UP_AFTER
    unsent = Notification.objects.filter(sent_at__isnull=True)
    stale = unsent.filter(created_at__lt=give_up).order_by("created_at").values("pk")
    given_up = unsent.filter(pk__in=stale[:RESEND_BATCH]).update(sent_at=now, sealed_private="")
    due = list(
        unsent.filter(created_at__lt=cutoff, created_at__gte=give_up)
        .order_by("created_at")
        .values_list("pk", "user__email", "user__mobile")[:RESEND_BATCH]
    )
    nothing_to_send = [pk for pk, email, mobile in due if not email and not mobile]
    if nothing_to_send:
        unsent.filter(pk__in=nothing_to_send).update(sent_at=now, sealed_private="")
    queued = [pk for pk, email, mobile in due if email or mobile]
    for start in range(0, len(queued), RESEND_TASK_CHUNK):
        enqueue(
            "approvals.tasks.notifications_send_task", queued[start : start + RESEND_TASK_CHUNK]
        )
    if queued or given_up or nothing_to_send:
        logger.warning(
            "notifications resent: %d queued again, %d with nothing to send, %d given up",
            len(queued),
            len(nothing_to_send),
            given_up,
        )
    return {"queued": queued, "nothing_to_send": nothing_to_send, "given_up": given_up}


def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (reading is not an audited event)."""
    if notification.user_id != actor.pk:
        policy.deny(actor, "notification.mark_read", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notification_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
