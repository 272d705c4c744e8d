"""Signing in and out, failed sign-ins, lockouts and second-factor checks leave audit events."""

import json

import pytest
from django.urls import reverse

from accounts.auth_events import mask_login_identifier
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import confirmed_device, sign_in, totp_code
from tests.factories import UserFactory

WRONG = "not the password at all"


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


@pytest.mark.django_db
def test_sign_in_and_sign_out_are_recorded_with_the_user(client):
    user = UserFactory(email="li.lei@example.cn")

    sign_in(client, "li.lei@example.cn")
    client.post(reverse("accounts:logout"))

    [signed_in] = _events("auth.signed_in")
    [signed_out] = _events("auth.signed_out")
    assert signed_in.actor == user and signed_out.actor == user
    assert signed_in.object_id == str(user.pk)
    assert signed_in.client_ip == "127.0.0.1"
    assert verify_chain() is None


@pytest.mark.parametrize(
    ("typed", "masked"),
    [("li.lei@example.cn", "li***@example.cn"), ("+86 138 0013 8000", "138****8000")],
)
@pytest.mark.django_db
def test_a_failed_sign_in_is_denied_and_keeps_only_the_masked_identifier(client, typed, masked):
    user = UserFactory(email="li.lei@example.cn", mobile="13800138000")

    sign_in(client, typed, WRONG)

    [failed] = _events("auth.sign_in_failed")
    assert failed.outcome == "denied"
    assert failed.actor is None
    assert failed.changes == {"identifier": [None, masked]}
    assert failed.object_id == str(user.pk)
    recorded = json.dumps(failed.changes) + failed.reason
    assert WRONG not in recorded
    assert "lei@" not in recorded and "00138000" not in recorded


@pytest.mark.django_db
def test_a_failed_sign_in_for_an_unknown_identifier_is_recorded_without_an_account(client):
    sign_in(client, "nobody@example.cn", WRONG)

    [failed] = _events("auth.sign_in_failed")
    assert failed.object_id == ""
    assert failed.changes == {"identifier": [None, "no***@example.cn"]}


@pytest.mark.django_db
def test_a_lockout_is_recorded_as_denied(client):
    user = UserFactory(email="li.lei@example.cn")
    for _ in range(10):
        sign_in(client, "li.lei@example.cn", WRONG)

    locked = _events("auth.locked_out")

    assert len(locked) == 1
    assert locked[0].outcome == "denied"
    assert locked[0].object_id == str(user.pk)
    assert locked[0].changes == {"identifier": [None, "li***@example.cn"]}
    assert len(_events("auth.sign_in_failed")) == 10
    assert verify_chain() is None


@pytest.mark.django_db
def test_second_factor_success_and_failure_are_recorded(client, official):
    device = confirmed_device(official)
    sign_in(client, official.email)

    client.post(reverse("accounts:otp_verify"), {"token": "12345x"})
    client.post(reverse("accounts:otp_verify"), {"token": totp_code(device)})

    [failed] = _events("otp.failed")
    [verified] = _events("otp.verified")
    assert failed.outcome == "denied" and failed.actor == official
    assert verified.outcome == "done" and verified.actor == official


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("ab@example.cn", "a***@example.cn"),
        ("Wang.Fang@Example.CN", "Wa***@example.cn"),
        ("13800138000", "138****8000"),
        ("0086-138-0013-8000", "138****8000"),
        ("my secret password", "***"),
        ("13812345678secret", "***"),  # a password that starts like a mobile number
        ("", "***"),
    ],
)
def test_identifiers_are_masked(typed, masked):
    assert mask_login_identifier(typed) == masked
