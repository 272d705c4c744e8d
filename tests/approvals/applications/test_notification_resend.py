"""A notification whose email and SMS task the broker lost is queued again by the periodic resend,
and goes out exactly once; the steady state reads nothing."""

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals.models import Notification
from approvals.services.notifications import (
    RESEND_GIVE_UP_AFTER,
    notifications_resend_sweep,
    notify,
    notify_many,
)
from tests.explain import (
    analyze,
    assert_no_seq_scan,
    captured_selects,
    explain,
    plan_nodes,
    requires_postgresql,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _later(seconds: int | None = None) -> dt.datetime:
    grace = settings.NOTIFICATION_RESEND_GRACE_SECONDS
    return timezone.now() + dt.timedelta(seconds=grace + 1 if seconds is None else seconds)


def _lost(django_capture_on_commit_callbacks, **fields):
    """``notify`` whose task never reaches the worker (the on-commit publish is dropped)."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(**fields)
    assert len(callbacks) == 1
    return notification


def test_a_lost_task_is_sent_exactly_once_after_the_sweep(
    django_capture_on_commit_callbacks, sms_outbox
):
    # given a notification whose task was lost, with its query code for the email and SMS only
    user = UserFactory(preferred_language="en", mobile="13800138000")
    notification = _lost(
        django_capture_on_commit_callbacks,
        user=user,
        kind="application.submitted",
        title="Application received",
        body="We have it.",
        private_text="Your query code is 246810.",
    )
    stored = Notification.objects.get(pk=notification.pk)
    assert "246810" not in stored.sealed_private and stored.sealed_private
    assert mail.outbox == [] and sms_outbox == []

    # when the sweep runs before the grace period is over, nothing goes out yet
    assert notifications_resend_sweep(now=_later(60))["queued"] == []
    assert mail.outbox == []

    # and after it, the email and SMS go out, with the query code
    report = notifications_resend_sweep(now=_later())
    assert report["queued"] == [notification.pk]
    [email] = mail.outbox
    assert email.to == [user.email] and "246810" in email.body
    assert len(sms_outbox) == 1 and "246810" in sms_outbox[0][1]
    stored.refresh_from_db()
    assert stored.sent_at is not None and stored.sealed_private == ""

    # and a second sweep (or the lost task turning up late) sends nothing more
    assert notifications_resend_sweep(now=_later())["queued"] == []
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1


def test_the_sweep_leaves_notifications_that_went_out_alone(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Ready", body="Collect it.")
    assert len(mail.outbox) == 1

    assert notifications_resend_sweep(now=_later())["queued"] == []
    assert len(mail.outbox) == 1


def test_lost_tasks_of_notify_many_are_resent_too(django_capture_on_commit_callbacks):
    clerks = UserFactory.create_batch(3, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=False):
        notifications = notify_many(users=clerks, kind="test", title="New", body="Check it.")

    report = notifications_resend_sweep(now=_later())

    assert sorted(report["queued"]) == sorted(n.pk for n in notifications)
    assert sorted(email.to[0] for email in mail.outbox) == sorted(c.email for c in clerks)


def test_nothing_to_send_and_too_old_are_marked_and_never_queued(
    django_capture_on_commit_callbacks,
):
    # given a lost notification for a user with no address to send to, and a very old one
    nowhere = UserFactory(preferred_language="en", mobile="")
    type(nowhere).objects.filter(pk=nowhere.pk).update(email="")
    nowhere.refresh_from_db()
    unreachable = _lost(
        django_capture_on_commit_callbacks, user=nowhere, kind="test", title="A", body="B"
    )
    old = _lost(
        django_capture_on_commit_callbacks, user=UserFactory(), kind="test", title="C", body="D"
    )
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - RESEND_GIVE_UP_AFTER - dt.timedelta(hours=1)
    )

    report = notifications_resend_sweep(now=_later())

    # then neither is queued nor sent, both are marked, and the next run finds nothing
    assert report == {"queued": [], "nothing_to_send": [unreachable.pk], "given_up": 1}
    assert mail.outbox == []
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    assert notifications_resend_sweep(now=_later()) == {
        "queued": [],
        "nothing_to_send": [],
        "given_up": 0,
    }


def test_the_sweep_reads_a_constant_number_of_queries_and_nothing_when_idle(
    django_capture_on_commit_callbacks, django_assert_num_queries, monkeypatch
):
    # the publishing is counted apart: the sweep's own reads must not grow with the rows
    published = []
    monkeypatch.setattr(
        "approvals.services.notifications.enqueue", lambda name, ids: published.append(ids)
    )
    # given nothing lost, the steady state: two index reads that find no row
    with django_assert_num_queries(2):
        assert notifications_resend_sweep(now=_later())["queued"] == []

    for count in (2, 60):
        with django_capture_on_commit_callbacks(execute=False):
            for user in UserFactory.create_batch(count):
                notify(user=user, kind="test", title="T", body="B")
        with django_assert_num_queries(2):
            queued = notifications_resend_sweep(now=_later())["queued"]
        assert len(queued) == count
        Notification.objects.update(sent_at=timezone.now())

    # sixty lost tasks went out in chunks, each notification in one of them
    assert [len(ids) for ids in published] == [2, 50, 10]


@requires_postgresql
def test_the_sweep_reads_the_partial_index_not_the_table(monkeypatch):
    # given many notifications that went out, and a few whose task was lost
    monkeypatch.setattr("approvals.services.notifications.enqueue", lambda name, ids: None)
    user = UserFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO approvals_notification
              (user_id, kind, title, body, link, created_at, sent_at, texts, sealed_private)
            SELECT %(user)s, 'test', 'T', 'B', '', %(now)s - g * interval '6 seconds',
              CASE WHEN g %% 10000 = 0 THEN NULL ELSE %(now)s END, '{}'::jsonb, ''
            FROM generate_series(1, 30000) AS g
            """,
            {"user": user.pk, "now": timezone.now()},
        )
    analyze("approvals_notification")

    with CaptureQueriesContext(connection) as captured:
        report = notifications_resend_sweep(now=_later())

    # then the sweep found them through the partial index, without reading the table
    assert len(report["queued"]) == 2 and report["given_up"] == 1
    reads = captured_selects(captured)
    assert reads
    for sql in reads:
        assert_no_seq_scan(sql, ["approvals_notification"])
    used = {node.get("Index Name") for sql in reads for node in plan_nodes(explain(sql))}
    assert "notification_unsent" in used
