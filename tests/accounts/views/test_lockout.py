"""Ten wrong passwords pause sign-in for the account, and say nothing about whether it exists."""

import pytest
from django.conf import settings
from django.urls import reverse

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
