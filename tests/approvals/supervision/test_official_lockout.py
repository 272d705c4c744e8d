"""A paused sign-in on an official's account is audited with the address it came from and found by
supervisors in the audit trail."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import sign_in

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditevent_changelist"


def test_an_officials_lockout_is_audited_and_shown_to_supervisors(city, verified_client_factory):
    # given someone at one address typing wrong passwords for a reviewer's account
    stranger = Client()
    for _ in range(10):
        sign_in(stranger, city.reviewer.email, "not the password", REMOTE_ADDR="203.0.113.9")

    # then the pause is recorded against the official's account, with the address
    [event] = AuditEvent.objects.filter(action="auth.official_locked_out")
    assert event.object_id == str(city.reviewer.pk)
    assert event.outcome == "denied"
    assert event.changes["client_ip"] == [None, "203.0.113.9"]
    assert city.reviewer.email not in str(event.changes)

    # and a supervisor finds it in the audit trail, labelled in their language
    supervisor = verified_client_factory(city.supervisor)
    supervisor.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = supervisor.get(reverse(CHANGELIST), {"action": "auth.official_locked_out"})
    assert [e.pk for e in response.context["cl"].result_list] == [event.pk]
    assert "Official&#x27;s sign-in paused after failed attempts" in response.content.decode()


def test_an_official_getting_past_the_pause_with_the_code_is_shown_to_supervisors(
    city, verified_client_factory
):
    # given a pause on a reviewer's account, and the reviewer signing in with password and code
    from accounts.lockout import SLOW_DOWN_AFTER
    from tests.accounts.views.auth_helpers import confirmed_device, totp_code
    from tests.factories import DEFAULT_PASSWORD

    device = confirmed_device(city.reviewer)
    for n in range(SLOW_DOWN_AFTER):
        sign_in(Client(), city.reviewer.email, "not the password", REMOTE_ADDR=f"203.0.113.{n}")
    response = Client().post(
        reverse("accounts:login_with_code"),
        {"username": city.reviewer.email, "password": DEFAULT_PASSWORD, "token": totp_code(device)},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302

    # then a supervisor finds it in the audit trail, with the address it came from
    [event] = AuditEvent.objects.filter(action="auth.pause_passed_second_factor")
    supervisor = verified_client_factory(city.supervisor)
    supervisor.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = supervisor.get(reverse(CHANGELIST), {"action": "auth.pause_passed_second_factor"})
    assert [e.pk for e in page.context["cl"].result_list] == [event.pk]
    assert "Signed in with the second factor during a pause" in page.content.decode()
    assert event.client_ip == "198.51.100.7"
