"""The real owner gets past a sign-in pause that strangers caused: with the password and a code of
their authenticator, or with a one-time link sent to the account's email and mobile."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.lockout import SLOW_DOWN_AFTER
from accounts.services.sign_in_recovery import unlock_tokens
from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import (
    confirmed_device,
    page_without_csrf,
    sign_in,
    totp_code,
)
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import events

pytestmark = pytest.mark.django_db

WRONG = "not the password at all"
OWNER_ADDRESS = "198.51.100.7"


def _client(address: str = OWNER_ADDRESS) -> Client:
    return Client(headers={"accept-language": "en"}, REMOTE_ADDR=address)


def _strangers_guess(identifier: str, times: int = SLOW_DOWN_AFTER + 2) -> None:
    """Wrong passwords from many addresses: the account is slowed down for everyone."""
    for n in range(times):
        sign_in(_client(f"203.0.113.{n}"), identifier, WRONG)


def _sign_in_with_code(client, identifier, password=DEFAULT_PASSWORD, token="000000"):
    return client.post(
        reverse("accounts:login_with_code"),
        {"username": identifier, "password": password, "token": token},
    )


def _is_signed_in(client) -> bool:
    return client.get(reverse("accounts:home")).status_code == 200


# --- the second factor ---------------------------------------------------------------------------


def test_the_paused_page_offers_the_code_and_the_link(client):
    UserFactory(email="li.lei@example.cn")
    for _ in range(10):
        sign_in(client, "li.lei@example.cn", WRONG)

    body = sign_in(client, "li.lei@example.cn").content.decode()

    assert "Sign-in is paused" in body
    assert reverse("accounts:login_with_code") in body
    assert reverse("accounts:unlock_request") in body


def test_an_official_signs_in_with_password_and_code_despite_the_slow_down(official):
    # given strangers slowed sign-in to an official's account down, from many addresses
    device = confirmed_device(official)
    _strangers_guess(official.email)
    owner = _client()
    assert sign_in(owner, official.email).status_code == 429

    # when the official signs in with the password and the authenticator's code
    response = _sign_in_with_code(owner, official.email, token=totp_code(device))

    # then they are in, second factor verified, and the pause is lifted and recorded
    assert response.status_code == 302
    assert owner.get(reverse("approvals:work_queue")).status_code == 200
    [event] = events("auth.pause_passed_second_factor", official)
    assert event.actor_id == official.pk
    assert event.changes["sign_in_pause_lifted"] == [None, True]
    assert event.changes["device"] == [None, device.persistent_id]
    assert sign_in(_client("198.51.100.99"), official.email).status_code == 302


def test_the_code_gets_past_a_pause_for_the_owners_own_address_too(official):
    device = confirmed_device(official)
    owner = _client()
    for _ in range(10):
        sign_in(owner, official.email, WRONG)
    assert sign_in(owner, official.email).status_code == 429

    response = _sign_in_with_code(owner, official.email, token=totp_code(device))

    assert response.status_code == 302
    assert _is_signed_in(owner)


def test_every_failure_of_the_code_sign_in_looks_the_same_and_is_counted(official):
    device = confirmed_device(official)
    _strangers_guess(official.email)
    citizen = UserFactory(email="li.lei@example.cn")  # no authenticator

    wrong_code = _sign_in_with_code(_client(), official.email, token="000000")
    wrong_password = _sign_in_with_code(_client(), official.email, WRONG, totp_code(device))
    no_account = _sign_in_with_code(_client(), "nobody@example.cn", token=totp_code(device))
    no_device = _sign_in_with_code(_client(), citizen.email, token="123456")

    pages = {
        page_without_csrf(response)
        .replace(official.email, "X")
        .replace("nobody@example.cn", "X")
        .replace(citizen.email, "X")
        for response in (wrong_code, wrong_password, no_account, no_device)
    }
    assert len(pages) == 1
    assert all(r.status_code == 200 for r in (wrong_code, wrong_password, no_account, no_device))
    assert "the password or the code is not right" in wrong_code.content.decode()
    assert events("auth.sign_in_failed", official).count() >= 2 + SLOW_DOWN_AFTER
    assert not events("auth.pause_passed_second_factor").exists()


def test_the_code_sign_in_is_limited_per_address(official):
    device = confirmed_device(official)
    owner = _client()
    for _ in range(10):
        _sign_in_with_code(owner, "nobody@example.cn")

    refused = _sign_in_with_code(owner, official.email, token=totp_code(device))

    assert refused.status_code == 429
    assert not _is_signed_in(owner)


# --- the one-time link ---------------------------------------------------------------------------


def _link_in(text: str) -> str:
    [path] = re.findall(r"/accounts/unlock/[^/\s]+/[^/\s]+/", text)
    return path


def test_the_link_by_email_and_sms_lets_the_owner_in_once(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given a citizen slowed down by strangers
    user = UserFactory(email="li.lei@example.cn", mobile="13800138000", preferred_language="en")
    _strangers_guess(user.email)
    owner = _client()
    assert sign_in(owner, user.email).status_code == 429

    # when the owner asks for a link by mobile number
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("accounts:unlock_request"), {"username": "13800138000"})

    # then the link goes to the account's email and mobile, and a scanner opening it changes nothing
    assert response.status_code == 302 and response.url == reverse("accounts:unlock_sent")
    [email] = mail.outbox
    assert email.to == [user.email]
    [(mobile, text)] = sms_outbox
    assert mobile == "+8613800138000" or mobile.endswith("13800138000")
    link = _link_in(email.body)
    assert _link_in(text) == link
    assert "Open sign-in again" in owner.get(link).content.decode()
    assert sign_in(_client("198.51.100.50"), user.email).status_code == 429

    # when the owner presses the button, the pause is lifted and recorded, without signing in
    done = owner.post(link)
    assert done.status_code == 200 and "Sign-in is open again" in done.content.decode()
    assert not _is_signed_in(owner)
    [event] = events("auth.sign_in_unlocked", user)
    assert event.changes["sign_in_pause_lifted"] == [None, True]
    assert sign_in(owner, user.email).status_code == 302

    # and the link cannot be used again
    assert owner.post(link).status_code == 400
    assert owner.get(link).status_code == 400
    assert events("auth.sign_in_unlocked", user).count() == 1


def test_asking_for_a_link_answers_the_same_whether_or_not_the_account_exists(
    sms_outbox, django_capture_on_commit_callbacks
):
    UserFactory(email="li.lei@example.cn")

    with django_capture_on_commit_callbacks(execute=True):
        known = _client().post(
            reverse("accounts:unlock_request"), {"username": "li.lei@example.cn"}
        )
        unknown = _client().post(reverse("accounts:unlock_request"), {"username": "no@example.cn"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert len(mail.outbox) == 1
    page = _client().get(known.url).content.decode()
    assert "If an account has the details you entered" in page


def test_links_are_limited_per_account_and_requests_per_address(
    sms_outbox, django_capture_on_commit_callbacks
):
    UserFactory(email="li.lei@example.cn")
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            _client(f"203.0.113.{n}").post(
                reverse("accounts:unlock_request"), {"username": "li.lei@example.cn"}
            )
    # at most three links an hour reach the owner, however many addresses ask
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="auth.unlock_link_sent").count() == 3

    same_address = _client("203.0.113.200")
    answers = [
        same_address.post(reverse("accounts:unlock_request"), {"username": f"x{n}@example.cn"})
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [302] * 5 + [429]


def test_a_forged_or_foreign_link_is_refused():
    user = UserFactory(email="li.lei@example.cn")
    other = UserFactory(email="han.mei@example.cn")
    token = unlock_tokens.make_token(other)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("accounts:unlock_confirm", kwargs={"uidb64": uid, "token": token})

    assert _client().post(url).status_code == 400
    assert _client().get(url.replace(uid, "garbage")).status_code == 400
    assert not events("auth.sign_in_unlocked").exists()


def test_the_ways_past_the_pause_are_in_chinese_too():
    client = Client(headers={"accept-language": "zh-hans"})

    code_page = client.get(reverse("accounts:login_with_code")).content.decode()
    unlock_page = client.get(reverse("accounts:unlock_request")).content.decode()

    assert "验证码" in code_page
    assert "重新开放登录" in unlock_page
