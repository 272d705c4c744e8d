"""Ten wrong passwords pause sign-in for the account from that address, and say nothing about
whether it exists; failures from many addresses slow the account down instead of locking the
owner out, and the owner's own browser or a reset link lets them in."""

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.lockout import (
    KNOWN_BROWSER_COOKIE,
    SLOW_DOWN_AFTER,
    SLOW_DOWN_MAX_SECONDS,
    slow_down_seconds,
)
from accounts.services.password_reset import password_reset_completed
from tests.accounts.views.auth_helpers import page_without_csrf, sign_in
from tests.factories import UserFactory

WRONG = "not the password at all"
LOCKED_TEXT = "Sign-in is paused"


def _fail(client, identifier, times):
    responses = [sign_in(client, identifier, WRONG) for _ in range(times)]
    return responses[-1]


def _is_signed_in(client):
    return client.get(reverse("accounts:home")).status_code == 200


@pytest.mark.django_db
def test_the_limit_is_ten():
    assert settings.AXES_FAILURE_LIMIT == 10


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one(client):
    UserFactory(email="li.lei@example.cn")
    ninth = _fail(client, "li.lei@example.cn", 9)
    assert ninth.status_code == 200
    assert LOCKED_TEXT not in ninth.content.decode()

    tenth = _fail(client, "li.lei@example.cn", 1)
    right_password = sign_in(client, "li.lei@example.cn")

    assert tenth.status_code == 429
    assert right_password.status_code == 429
    body = right_password.content.decode()
    assert LOCKED_TEXT in body
    # The page still offers the form and the way out through a password reset.
    assert 'name="username"' in body
    assert reverse("accounts:password_reset") in body
    assert not _is_signed_in(client)


@pytest.mark.django_db
def test_an_identifier_without_an_account_is_locked_the_same_way(client):
    _fail(client, "nobody@example.cn", 10)

    response = sign_in(client, "nobody@example.cn", WRONG)

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()


@pytest.mark.django_db
def test_the_lockout_page_does_not_reveal_whether_the_account_exists(client):
    user = UserFactory(email="someone@example.cn")
    _fail(client, "someone@example.cn", 10)
    page_with_account = sign_in(client, "someone@example.cn", WRONG)
    user.delete()
    client.cookies.clear()
    _fail(client, "someone@example.cn", 10)

    page_without_account = sign_in(client, "someone@example.cn", WRONG)

    assert page_with_account.status_code == page_without_account.status_code == 429
    assert page_without_csrf(page_with_account) == page_without_csrf(page_without_account)


@pytest.mark.django_db
def test_failures_by_email_and_by_mobile_count_against_the_same_account(client):
    UserFactory(email="li.lei@example.cn", mobile="13800138000")
    _fail(client, "li.lei@example.cn", 5)
    _fail(client, "+86 138 0013 8000", 5)

    response = sign_in(client, "LI.LEI@example.cn")

    assert response.status_code == 429
    assert not _is_signed_in(client)


@pytest.mark.django_db
def test_a_successful_sign_in_before_the_limit_resets_the_count(client):
    UserFactory(email="li.lei@example.cn")
    _fail(client, "li.lei@example.cn", 9)
    assert sign_in(client, "li.lei@example.cn").status_code == 302
    client.post(reverse("accounts:logout"))

    ninth_again = _fail(client, "li.lei@example.cn", 9)
    response = sign_in(client, "li.lei@example.cn")

    assert ninth_again.status_code == 200
    assert response.status_code == 302
    assert _is_signed_in(client)


@pytest.mark.django_db
def test_other_accounts_are_not_affected_by_a_lockout(client):
    UserFactory(email="li.lei@example.cn")
    UserFactory(email="han.mei@example.cn")
    _fail(client, "li.lei@example.cn", 10)

    response = sign_in(client, "han.mei@example.cn")

    assert response.status_code == 302


# --- account AND address; slow down, not lock, for strangers -----------------------------------

STRANGER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def _sign_in_from(address, identifier, password=None, *, cookies=None):
    client = Client(headers={"accept-language": "en"})
    if cookies:
        for name, value in cookies.items():
            client.cookies[name] = value
    args = (client, identifier) if password is None else (client, identifier, password)
    return sign_in(*args, REMOTE_ADDR=address), client


@pytest.mark.django_db
def test_a_stranger_cannot_lock_the_owner_out_of_their_usual_browser(client):
    # given the owner signed in from their browser once
    UserFactory(email="li.lei@example.cn")
    first, owner_browser = _sign_in_from(OWNER["REMOTE_ADDR"], "li.lei@example.cn")
    assert first.status_code == 302
    known = {KNOWN_BROWSER_COOKIE: owner_browser.cookies[KNOWN_BROWSER_COOKIE].value}

    # when a stranger types ten wrong passwords from another address
    _fail(client, "li.lei@example.cn", 10)
    stranger_again = sign_in(client, "li.lei@example.cn")

    # then the stranger's address is paused, even with the right password, but the owner gets in
    assert stranger_again.status_code == 429
    response, _client = _sign_in_from(OWNER["REMOTE_ADDR"], "li.lei@example.cn", cookies=known)
    assert response.status_code == 302


@pytest.mark.django_db
def test_failures_from_many_addresses_slow_the_account_down_with_a_growing_wait():
    UserFactory(email="li.lei@example.cn")
    with time_machine.travel(1_800_000_000, tick=False) as clock:
        for n in range(SLOW_DOWN_AFTER):
            response, _client = _sign_in_from(f"203.0.113.{n}", "li.lei@example.cn", WRONG)
            assert response.status_code == 200

        # the next attempt, from yet another address, even with the right password, must wait
        waited, _client = _sign_in_from("198.51.100.1", "li.lei@example.cn")
        assert waited.status_code == 429
        assert "Please wait before trying again" in waited.content.decode()
        assert 'value="li.lei@example.cn"' in waited.content.decode()

        # after the wait a wrong password is checked again, and the next wait is longer
        clock.shift(2)
        wrong, _client = _sign_in_from("198.51.100.2", "li.lei@example.cn", WRONG)
        assert wrong.status_code == 200
        clock.shift(1)
        assert _sign_in_from("198.51.100.3", "li.lei@example.cn")[0].status_code == 429
        clock.shift(2)
        assert _sign_in_from("198.51.100.3", "li.lei@example.cn")[0].status_code == 302


def test_the_wait_doubles_and_has_a_ceiling():
    waits = [slow_down_seconds(n) for n in range(SLOW_DOWN_AFTER - 1, SLOW_DOWN_AFTER + 4)]

    assert waits == [0, 1, 2, 4, 8]
    assert slow_down_seconds(SLOW_DOWN_AFTER + 40) == SLOW_DOWN_MAX_SECONDS


@pytest.mark.django_db
def test_the_reset_link_lets_the_owner_in_at_once():
    user = UserFactory(email="li.lei@example.cn")
    for n in range(SLOW_DOWN_AFTER + 3):
        _sign_in_from(f"203.0.113.{n}", "li.lei@example.cn", WRONG)
    assert _sign_in_from("198.51.100.1", "li.lei@example.cn")[0].status_code == 429

    password_reset_completed(user=user)

    assert _sign_in_from("198.51.100.1", "li.lei@example.cn")[0].status_code == 302


@pytest.mark.django_db
def test_the_slow_down_says_nothing_about_whether_the_account_exists():
    user = UserFactory(email="someone@example.cn")
    for n in range(SLOW_DOWN_AFTER):
        _sign_in_from(f"203.0.113.{n}", "someone@example.cn", WRONG)
    with_account = _sign_in_from("198.51.100.1", "someone@example.cn", WRONG)[0]
    user.delete()
    cache.clear()
    for n in range(SLOW_DOWN_AFTER):
        _sign_in_from(f"203.0.113.{n}", "someone@example.cn", WRONG)

    without_account = _sign_in_from("198.51.100.1", "someone@example.cn", WRONG)[0]

    assert with_account.status_code == without_account.status_code == 429
    assert page_without_csrf(with_account) == page_without_csrf(without_account)


@pytest.mark.django_db
def test_the_wait_is_explained_in_chinese_too():
    UserFactory(email="li.lei@example.cn")
    for n in range(SLOW_DOWN_AFTER):
        _sign_in_from(f"203.0.113.{n}", "li.lei@example.cn", WRONG)
    client = Client(headers={"accept-language": "zh-hans"})

    response = sign_in(client, "li.lei@example.cn", REMOTE_ADDR="198.51.100.1")

    assert response.status_code == 429
    body = response.content.decode()
    assert "请稍候再试" in body and "秒后再试" in body
    assert 'value="li.lei@example.cn"' in body
