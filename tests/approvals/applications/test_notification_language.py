"""Language follows the person: a notification is shown in the language its reader reads in
now, a user sets their language in their profile, and email and SMS use it."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from accounts.models import User
from approvals.models import Notification
from approvals.services.notifications import message, notify
from audit.models import AuditEvent
from tests.approvals.applications.pages import main_part
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTIFICATIONS = reverse("approvals:notifications")


def _accepted(user, django_capture_on_commit_callbacks, execute=False) -> Notification:
    with django_capture_on_commit_callbacks(execute=execute):
        return notify(
            user=user,
            kind="intake.accepted",
            title=message(gettext_lazy("Application accepted: %(number)s"), number="SPJY-1"),
            body=message(
                gettext_lazy("The applicant withdrew %(number)s (%(service)s)."),
                number="SPJY-1",
                service="x",
            ),
        )


def test_a_notification_is_shown_in_the_language_of_the_page_not_of_sign_up(
    citizen, client_for, django_capture_on_commit_callbacks
):
    # Given a citizen who signed up in Chinese and a notification written for them
    User.objects.filter(pk=citizen.pk).update(preferred_language="zh-hans")
    citizen.refresh_from_db()
    _accepted(citizen, django_capture_on_commit_callbacks)

    # When they read their notifications in English, and then in Chinese
    english = main_part(client_for(citizen, language="en").get(NOTIFICATIONS))
    chinese = main_part(client_for(citizen, language="zh-hans").get(NOTIFICATIONS))

    # Then each page speaks its own language
    assert "Application accepted: SPJY-1" in english
    assert "申请已受理" not in english
    assert "申请已受理：SPJY-1" in chinese


def test_a_notification_stored_before_the_change_keeps_its_text(citizen, client_for):
    old = Notification.objects.create(user=citizen, kind="old", title="申请已受理：A-1", body="旧")

    page = main_part(client_for(citizen, language="en").get(NOTIFICATIONS))

    assert old.texts == {}
    assert "申请已受理：A-1" in page


def test_the_profile_sets_the_language_of_pages_emails_and_text_messages(
    citizen, client_for, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=citizen.pk).update(preferred_language="zh-hans")
    browser = client_for(citizen, language="zh-hans")
    assert 'name="language"' in main_part(browser.get(reverse("accounts:home")))

    # When the citizen chooses English in their profile
    response = browser.post(reverse("accounts:language"), {"language": "en"})

    # Then it is stored and audited, the pages follow, and their email comes in English
    assert response.status_code == 302
    assert response.cookies["portal_language"].value == "en"
    assert User.objects.get(pk=citizen.pk).preferred_language == "en"
    event = AuditEvent.objects.get(action="account.language_changed")
    assert event.changes["preferred_language"] == ["zh-hans", "en"]
    assert "My account" in main_part(browser.get(reverse("accounts:home")))
    mail.outbox.clear()
    _accepted(User.objects.get(pk=citizen.pk), django_capture_on_commit_callbacks, execute=True)
    [email] = mail.outbox
    assert "Application accepted: SPJY-1" in email.subject


def test_an_unknown_language_is_refused(citizen, client_for):
    response = client_for(citizen).post(reverse("accounts:language"), {"language": "xx"})

    assert response.status_code == 302
    assert User.objects.get(pk=citizen.pk).preferred_language == "en"
    assert not AuditEvent.objects.filter(action="account.language_changed").exists()


def test_the_language_is_a_setting_of_ones_own_account_only(client):
    response = client.post(reverse("accounts:language"), {"language": "en"})

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_an_sms_speaks_the_recipients_language(django_capture_on_commit_callbacks, monkeypatch):
    from approvals.services import notifications

    sent = []

    class Recorder:
        def send(self, mobile, text):
            sent.append(text)

    monkeypatch.setattr(notifications, "get_sms_backend", Recorder)
    user = UserFactory(preferred_language="en", mobile="13800138000")
    with django_capture_on_commit_callbacks(execute=True), translation.override("zh-hans"):
        notify(
            user=user,
            kind="intake.accepted",
            title=message(gettext_lazy("Application accepted: %(number)s"), number="A-9"),
            body="",
        )

    [text] = sent
    assert "Application accepted: A-9" in text and "申请已受理" not in text


def test_the_header_switch_saves_a_signed_in_users_language(citizen, client_for):
    # given a citizen whose saved language is Chinese
    User.objects.filter(pk=citizen.pk).update(preferred_language="zh-hans")
    browser = client_for(citizen, language="zh-hans")

    # when they switch to English in the page header, on their notifications page
    response = browser.post(reverse("set_language"), {"language": "en", "next": NOTIFICATIONS})

    # then they are back on that page, in English, and their emails and SMS follow (audited)
    assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
    assert response.cookies["portal_language"].value == "en"
    assert User.objects.get(pk=citizen.pk).preferred_language == "en"
    assert AuditEvent.objects.filter(action="account.language_changed").count() == 1


def test_the_header_switch_works_for_visitors_and_ignores_unknown_languages(client, citizen):
    # a visitor gets the cookie only; nobody's saved language changes
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["portal_language"].value == "en"

    # an unknown language changes nothing for a signed-in user
    client.force_login(citizen, backend="accounts.backends.EmailOrMobileBackend")
    before = User.objects.get(pk=citizen.pk).preferred_language
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert User.objects.get(pk=citizen.pk).preferred_language == before
    assert not AuditEvent.objects.filter(action="account.language_changed").exists()
