"""Notifications: the in-app row, the email in the recipient's language, the SMS through the
configured backend (the console one logs with the number masked)."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import transaction

from approvals.models import Notification
from approvals.services.applications import application_submit
from approvals.services.notifications import message, notification_mark_read, notify
from messaging.language import recipient_language
from tests.approvals.applications.helpers import filled_draft
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


class RecordingSMSBackend:
    sent: list = []

    def send(self, mobile, text):
        RecordingSMSBackend.sent.append((mobile, text))


class BrokenSMSBackend:
    def send(self, mobile, text):
        raise ConnectionError("gateway down")


class RecordingSMS:
    sent: list = []

    def send(self, mobile, message):
        self.sent.append((mobile, message))


def test_notify_writes_the_in_app_row_and_sends_email_and_sms_after_commit(
    caplog, django_capture_on_commit_callbacks, settings
):
    user = UserFactory(mobile="13812345678", preferred_language="en")

    with caplog.at_level(logging.INFO, logger="portal.sms"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notification = notify(
                user=user,
                kind="test",
                title="Your licence is ready",
                body="Collect it at window 3.",
                link="/applications/1/",
                private_text="Code 123456",
            )
            assert mail.outbox == []  # nothing leaves before the commit
        for callback in callbacks:
            callback()

    assert Notification.objects.get(pk=notification.pk).title == "Your licence is ready"
    [email] = mail.outbox
    assert email.to == [user.email]
    assert "Your licence is ready" in email.subject
    assert "Collect it at window 3." in email.body
    assert "Code 123456" in email.body
    assert "http://localhost:8000/applications/1/" in email.body
    [record] = [r for r in caplog.records if r.name == "portal.sms"]
    assert "138****5678" in record.getMessage()
    assert "13812345678" not in record.getMessage()
    # the console backend logs that the SMS went out, never its text (issue 14 item 4)
    assert "Code 123456" not in record.getMessage()
    assert "Code 123456" not in Notification.objects.get(pk=notification.pk).body

    # a real gateway gets the text, code included, and the number in E.164
    settings.SMS_BACKEND = "tests.approvals.applications.test_notifications.RecordingSMS"
    RecordingSMS.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Again", body="Again.", private_text="Code 654321")
    [(mobile, text)] = RecordingSMS.sent
    assert mobile == "+8613812345678"
    assert "Code 654321" in text


def test_plain_text_messages_are_not_html_escaped(django_capture_on_commit_callbacks, settings):
    # given a notification whose texts hold an apostrophe, an ampersand and angle brackets
    settings.SMS_BACKEND = "tests.approvals.applications.test_notifications.RecordingSMS"
    RecordingSMS.sent.clear()
    user = UserFactory(mobile="13812345678", preferred_language="en")
    text = "Waiting for the applicant's floor plan & lease <signed>"

    # when it is sent
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title=f"Title: {text}", body=text)

    # then the SMS, the text email and the subject read as typed; the HTML email escapes them
    [(_mobile, sms)] = RecordingSMS.sent
    [email] = mail.outbox
    assert text in sms
    assert text in email.body and f"Title: {text}" in email.subject
    html = email.alternatives[0][0]
    assert "applicant&#x27;s floor plan &amp; lease &lt;signed&gt;" in html


def test_a_rolled_back_change_notifies_nobody(django_capture_on_commit_callbacks):
    user = UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=user, kind="test", title="T", body="B")
        raise RuntimeError("the change failed")

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_texts_are_rendered_in_the_recipients_language(version, django_capture_on_commit_callbacks):
    chinese_reader = PersonFactory(user__preferred_language="").user
    english_reader = PersonFactory(user__preferred_language="en").user
    title = message("%(service)s", service=_LazyName(version))

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=chinese_reader, kind="test", title=title, body="-")
        notify(user=english_reader, kind="test", title=title, body="-")

    assert Notification.objects.get(user=chinese_reader).title == "食品经营许可"
    assert Notification.objects.get(user=english_reader).title == "Food business licence"
    chinese_mail, english_mail = mail.outbox
    assert 'lang="zh-CN"' in chinese_mail.alternatives[0][0]
    assert 'lang="en"' in english_mail.alternatives[0][0]


class _LazyName:
    def __init__(self, version):
        self.version = version

    def __str__(self):
        return self.version.name


def test_the_submission_receipt_reaches_the_applicant_in_their_language(
    version, clerk, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.RecordingSMSBackend"
    RecordingSMSBackend.sent = []
    applicant = PersonFactory(user__preferred_language="zh-hans").user
    clerk.preferred_language = "en"
    clerk.save()
    draft = filled_draft(actor=applicant, version=version)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=applicant, application=draft, idempotency_key="k")

    receipt = Notification.objects.get(user=applicant)
    assert receipt.kind == "application.submitted"
    assert submitted.tracking_number in receipt.title
    assert "食品经营许可" in receipt.body
    assert receipt.link == f"/applications/{submitted.pk}/"
    applicant_mail = next(m for m in mail.outbox if m.to == [applicant.email])
    assert submitted.query_code in applicant_mail.body
    assert submitted.tracking_number in applicant_mail.body
    [(_mobile, text)] = [s for s in RecordingSMSBackend.sent if s[0] == applicant.mobile]
    assert submitted.query_code in text and submitted.tracking_number in text
    # The window's intake clerk hears that a new application waits, without the query code.
    notice = Notification.objects.get(user=clerk)
    assert notice.kind == "intake.new_application"
    assert "Food business licence" in notice.body
    clerk_mail = next(m for m in mail.outbox if m.to == [clerk.email])
    assert submitted.query_code not in clerk_mail.body


def test_a_failing_sms_gateway_does_not_undo_or_hide_the_submission(
    version, settings, caplog, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = f"{__name__}.BrokenSMSBackend"
    applicant = PersonFactory().user
    draft = filled_draft(actor=applicant, version=version)

    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=applicant, application=draft, idempotency_key="k")

    assert submitted.status == "submitted"
    assert Notification.objects.filter(user=applicant).exists()
    assert any("SMS" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def test_a_user_without_a_mobile_number_gets_no_sms(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.RecordingSMSBackend"
    RecordingSMSBackend.sent = []
    user = UserFactory(mobile=None)

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="T", body="B")

    assert RecordingSMSBackend.sent == []
    assert len(mail.outbox) == 1


def test_only_the_recipient_can_mark_a_notification_read():
    owner, other = UserFactory(), UserFactory()
    notification = notify(user=owner, kind="test", title="T", body="B")

    with pytest.raises(PermissionDenied):
        notification_mark_read(actor=other, notification=notification)
    assert Notification.objects.get(pk=notification.pk).read_at is None

    notification_mark_read(actor=owner, notification=notification)
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_the_sms_backend_is_built_once_per_configured_path(settings):
    from messaging.sms import get_sms_backend

    settings.SMS_BACKEND = f"{__name__}.RecordingSMSBackend"
    first = get_sms_backend()
    assert isinstance(first, RecordingSMSBackend) and get_sms_backend() is first
    settings.SMS_BACKEND = f"{__name__}.BrokenSMSBackend"
    assert isinstance(get_sms_backend(), BrokenSMSBackend)


def test_a_window_of_many_clerks_hears_of_a_submission_in_one_write_and_one_task(
    version, window, clerk, django_capture_on_commit_callbacks, monkeypatch
):
    """Every clerk of the window gets the notice, each in their language and by mail, and the
    submission costs the same statements however many clerks the window has."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OfficialFactory

    applicant = PersonFactory().user
    sent_tasks = []
    from approvals import tasks

    real = tasks.notifications_send_task.delay
    monkeypatch.setattr(
        tasks.notifications_send_task,
        "delay",
        lambda ids: (sent_tasks.append(ids), real(ids)),
    )

    def submit() -> int:
        draft = filled_draft(actor=applicant, version=version)
        mail.outbox.clear()
        with (
            CaptureQueriesContext(connection) as captured,
            django_capture_on_commit_callbacks(execute=True),
        ):
            application_submit(actor=applicant, application=draft, idempotency_key=str(draft.pk))
        return len(
            [
                q
                for q in captured.captured_queries
                if q["sql"].startswith('INSERT INTO "approvals_notification"')
            ]
        )

    submit()  # the day's first: counters start
    one_clerk = submit()
    more = [
        OfficialFactory(
            department=window, role="intake_clerk", user__preferred_language=language
        ).user
        for language in ("en", "zh-hans", "en", "zh-hans")
    ]
    five_clerks = submit()

    assert one_clerk == five_clerks == 1  # the applicant's receipt and the clerks' notices
    assert len(sent_tasks[-1]) == 6  # one task: the applicant's and the five clerks' mail
    for official in [clerk, *more]:
        notice = Notification.objects.filter(user=official, kind="intake.new_application").last()
        assert notice is not None
        # in the reader's own language by default, and in both on the page
        assert notice.title == notice.texts[recipient_language(official)]["title"]
        assert "New application to check" in notice.texts["en"]["title"]
        assert "New application to check" not in notice.texts["zh-hans"]["title"]
    assert {m.to[0] for m in mail.outbox} >= {official.email for official in [clerk, *more]}
