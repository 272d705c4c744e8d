"""Email and SMS leave from the worker, once, and the query code never crosses the broker in
clear."""

import pytest
from django.core import mail
from django.test import override_settings

from approvals.models import Notification
from approvals.services.notifications import (
    notification_send_outside,
    notify,
    seal_private_text,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_task_sends_once_whatever_the_retries(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user=user, kind="test", title="Ready", body="Collect it.")
    assert len(mail.outbox) == 1

    # when the worker runs the same task again (a retry after a lost acknowledgement)
    sent_again = notification_send_outside(notification_id=notification.pk)

    assert sent_again is False
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).sent_at is not None


def test_the_query_code_travels_sealed_and_reaches_the_email(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    sealed = seal_private_text("Your query code is 246810.")
    assert "246810" not in sealed

    with django_capture_on_commit_callbacks(execute=False):
        notification = notify(user=user, kind="test", title="Received", body="Received.")
    notification_send_outside(notification_id=notification.pk, sealed_private=sealed)

    [email] = mail.outbox
    assert "246810" in email.body


def test_a_code_sealed_under_a_retired_key_still_opens_and_a_foreign_one_is_left_out(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(preferred_language="en")
    with override_settings(SECRET_KEY="an-old-key-" + "x" * 50):
        old = seal_private_text("Code 111111")
    with override_settings(SECRET_KEY="someone-else-" + "y" * 50):
        foreign = seal_private_text("Code 222222")
    with django_capture_on_commit_callbacks(execute=False):
        first = notify(user=user, kind="test", title="One", body="One.")
        second = notify(user=user, kind="test", title="Two", body="Two.")

    with override_settings(SECRET_KEY_FALLBACKS=["an-old-key-" + "x" * 50]):
        notification_send_outside(notification_id=first.pk, sealed_private=old)
        notification_send_outside(notification_id=second.pk, sealed_private=foreign)

    assert "111111" in mail.outbox[0].body
    assert "222222" not in mail.outbox[1].body
