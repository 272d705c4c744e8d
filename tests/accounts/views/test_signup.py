"""Signing up as a citizen, checked against the population registry."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import PersonProfile, PopulationRecord, User
from accounts.views.auth import SIGN_UP_LIMIT
from audit.models import AuditEvent
from tests.factories import PersonFactory, PopulationRecordFactory, make_id_number

SIGNUP_URL = "/accounts/signup/"
STRONG_PASSWORD = "lantern orchard 47 quietly"


def _form(record, **overrides):
    data = {
        "real_name": record.name,
        "id_number": record.id_number,
        "mobile": "13800138000",
        "email": "wang.fang@example.cn",
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
    }
    data.update(overrides)
    return data


def _field_errors(response, field):
    return response.context["form"].errors.get(field, [])


def _assert_nothing_created():
    assert not User.objects.filter(email="wang.fang@example.cn").exists()
    assert not User.objects.filter(mobile="+8613800138000").exists()
    assert not PersonProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="account.registered").exists()


def _confirmation_path(email) -> str:
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", email.body).group(0)
    return "/" + link.split("/", 3)[3]


@pytest.mark.django_db
def test_person_in_the_registry_signs_up_and_sees_the_masked_id_number(
    client, django_capture_on_commit_callbacks
):
    record = PopulationRecordFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP_URL, _form(record))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email="wang.fang@example.cn")
    assert user.person.id_number == record.id_number
    assert not user.is_active
    # the link in the email finishes the sign-up and signs the person in
    [email] = mail.outbox
    response = client.get(_confirmation_path(email))
    assert response["Location"] == reverse("accounts:home")
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert home.context["user"] == user
    body = home.content.decode()
    assert user.person.masked_id_number in body
    assert record.id_number not in body


@pytest.mark.django_db
def test_signed_in_user_is_sent_from_sign_up_to_account_home(client):
    person = PersonFactory()
    client.force_login(person.user)

    response = client.get(SIGNUP_URL)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"real_name": "李四"}, "real_name", id="name-mismatch"),
        pytest.param({"id_number": make_id_number(region="110105")}, "id_number", id="unknown-id"),
        pytest.param({"id_number": "110105194912310021"}, "id_number", id="bad-checksum"),
        pytest.param(
            {"password1": "short pass", "password2": "short pass"}, "password1", id="too-short"
        ),
        pytest.param(
            {"password1": "password1234", "password2": "password1234"},
            "password1",
            id="common-password",
        ),
        pytest.param({"password2": "lantern orchard 47 loudly"}, "password2", id="mismatch"),
    ],
)
@pytest.mark.django_db
def test_a_bad_answer_is_shown_beside_its_field_and_in_the_summary(client, overrides, field):
    record = PopulationRecordFactory(name="王芳")
    data = _form(record, **overrides)

    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 200
    errors = _field_errors(response, field)
    assert errors, f"no error beside {field}"
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert f'href="#id_{field}"' in body
    # The error is printed beside the field, tied to the input by its id.
    assert f'id="id_{field}-error-1"' in body
    # What the user typed is kept, except the passwords.
    for kept in ("real_name", "id_number", "mobile", "email"):
        assert f'value="{data[kept]}"' in body
    assert STRONG_PASSWORD not in body
    assert data["password1"] not in body
    _assert_nothing_created()


@pytest.mark.django_db
def test_every_typing_mistake_is_reported_at_once(client):
    record = PopulationRecordFactory()
    data = _form(
        record,
        id_number="110105194912310021",
        mobile="1380013",
        password1="password1234",
        password2="something else entirely",
    )

    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 200
    for field in ("id_number", "mobile", "password1", "password2"):
        assert _field_errors(response, field), field
    _assert_nothing_created()


@pytest.mark.django_db
def test_mobile_and_id_number_are_stored_in_their_standard_form(client):
    record = PopulationRecordFactory(id_number="11010519491231002X", name="王芳")

    response = client.post(
        SIGNUP_URL, _form(record, id_number="11010519491231002x", mobile="+86 138-0013-8000")
    )

    assert response.status_code == 302
    user = User.objects.get(email="wang.fang@example.cn")
    assert user.mobile == "+8613800138000"
    assert user.person.id_number == "11010519491231002X"


@pytest.mark.django_db
def test_sign_up_answers_the_same_whether_or_not_the_details_are_registered(
    client, django_capture_on_commit_callbacks
):
    # given one person with an account and one without
    person = PersonFactory(user__mobile="13900000001", user__preferred_language="en")
    registered = PopulationRecord.objects.get(id_number=person.id_number)
    newcomer = PopulationRecordFactory()

    # when both sign up (the registered one with their own mobile number and ID number)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(SIGNUP_URL, _form(registered, mobile="13900000001"))
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            SIGNUP_URL, _form(newcomer, mobile="13900000002", email="new@example.cn")
        )

    # then both get the same answer, and only the owner's messages say an account exists
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    sent_page = client.get(known["Location"]).content.decode()
    assert "already exists" not in sent_page
    assert [message.to for message in mail.outbox] == [[person.user.email], ["new@example.cn"]]
    assert "already belong to your account" in mail.outbox[0].body


@pytest.mark.django_db
def test_sign_up_is_rate_limited_per_client_address_and_keeps_what_was_typed(client):
    record = PopulationRecordFactory()
    data = _form(record, password2="does not match")
    for _ in range(SIGN_UP_LIMIT.limit):
        assert client.post(SIGNUP_URL, data).status_code == 200

    response = client.post(SIGNUP_URL, data)

    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many attempts" in body
    assert f'value="{data["email"]}"' in body
    # another address is not affected
    other = client.post(SIGNUP_URL, data, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


@pytest.mark.django_db
def test_the_rate_limit_page_is_translated(client):
    record = PopulationRecordFactory()
    for _ in range(SIGN_UP_LIMIT.limit):
        client.post(SIGNUP_URL, _form(record, password2="x"))

    response = client.post(SIGNUP_URL, _form(record, password2="x"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()


@pytest.mark.django_db
def test_a_passport_holder_signs_up_from_abroad_and_sees_the_number_masked(
    client, django_capture_on_commit_callbacks
):
    record = PopulationRecordFactory(
        id_type="passport",
        id_number="E12345678",
        name="Anna Schmidt",
        gender="female",
        birth_date=datetime.date(1988, 4, 2),
    )
    data = _form(record, id_type="passport", mobile="+49 1512 3456789", email="anna@example.de")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP_URL, data)

    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email="anna@example.de")
    assert (user.mobile, user.person.id_type) == ("+4915123456789", "passport")
    home = client.get(_confirmation_path(mail.outbox[0]), follow=True).content.decode()
    assert "E******78" in home
    assert "E12345678" not in home


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "H or M followed by 8 digits"), ("zh-hans", "通行证号码为H或M后接8位数字")],
)
@pytest.mark.django_db
def test_a_wrong_document_number_is_explained_and_what_was_typed_is_kept(client, language, message):
    record = PopulationRecordFactory()
    data = _form(record, id_type="hk_macau_permit", id_number="12345678", mobile="+852 9123 4567")

    response = client.post(SIGNUP_URL, data, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="12345678"' in body
    assert 'value="+852 9123 4567"' in body
    assert '<option value="hk_macau_permit" selected>' in body
    _assert_nothing_created()
