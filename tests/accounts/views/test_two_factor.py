"""Officials, staff and superusers must pass a second factor before any page opens."""

import re
from base64 import b32encode
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import confirmed_device, sign_in, totp_code
from tests.factories import PersonFactory, UserFactory

SETUP_URL = reverse("accounts:otp_setup")
VERIFY_URL = reverse("accounts:otp_verify")
HOME_URL = reverse("accounts:home")


def _path(response):
    return urlsplit(response["Location"]).path


def _next(response):
    return parse_qs(urlsplit(response["Location"]).query).get("next", [None])[0]


@pytest.fixture(params=["official", "staff", "superuser"])
def needs_second_factor(request):
    if request.param == "official":
        return request.getfixturevalue("official")
    if request.param == "staff":
        return UserFactory(is_staff=True)
    return UserFactory(is_staff=True, is_superuser=True)


def _another_code(device) -> str:
    """A well-formed code that is not the one the authenticator shows now."""
    return f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"


def _start_setup(client, user):
    sign_in(client, user.email)
    client.get(SETUP_URL)
    return TOTPDevice.objects.get(user=user, confirmed=False)


@pytest.mark.parametrize("page", ["/accounts/", "/admin/", "/admin/auth/group/", "/"])
@pytest.mark.django_db
def test_without_a_device_every_page_leads_to_setup(client, needs_second_factor, page):
    response = sign_in(client, needs_second_factor.email)
    assert _path(client.get(response["Location"])) == SETUP_URL

    response = client.get(page)

    assert response.status_code == 302
    assert _path(response) == SETUP_URL
    assert _next(response) == page


@pytest.mark.django_db
def test_setup_shows_a_qr_code_and_the_key(client, official):
    sign_in(client, official.email)

    response = client.get(SETUP_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(r'<img[^>]+src="data:image/svg\+xml', body)
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<code class="secret"[^>]*>([^<]+)</code>', body).group(1)
    assert shown.replace(" ", "") == secret


@pytest.mark.django_db
def test_a_correct_code_confirms_the_device_shows_backup_codes_and_opens_pages(client, official):
    device = _start_setup(client, official)

    response = client.post(SETUP_URL, {"token": totp_code(device)})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["backup_codes"]
    assert len(codes) == 10
    body = response.content.decode()
    assert all(code in body for code in codes)
    assert client.get(HOME_URL).status_code == 200
    assert AuditEvent.objects.filter(action="otp.device_confirmed", actor=official).exists()


@pytest.mark.django_db
def test_setup_keeps_the_next_page_through_the_form(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, staff.email)
    redirect = client.get("/admin/auth/group/")
    setup_page = client.get(redirect["Location"])
    assert 'name="next" value="/admin/auth/group/"' in setup_page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)

    response = client.post(SETUP_URL, {"token": totp_code(device), "next": "/admin/auth/group/"})

    assert 'href="/admin/auth/group/"' in response.content.decode()
    assert client.get("/admin/auth/group/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_message_and_audited(client, official):
    device = _start_setup(client, official)

    response = client.post(SETUP_URL, {"token": _another_code(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert 'aria-invalid="true"' in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME_URL).status_code == 302
    failure = AuditEvent.objects.get(action="otp.failed", actor=official)
    assert failure.outcome == "denied"


@pytest.mark.django_db
def test_with_a_confirmed_device_sign_in_leads_to_verify(client, official):
    confirmed_device(official)

    response = sign_in(client, official.email)
    gate = client.get(response["Location"])

    assert _path(gate) == VERIFY_URL
    assert _path(client.get("/admin/")) == VERIFY_URL


@pytest.mark.django_db
def test_the_authenticator_code_opens_the_pages_and_is_audited(client, official):
    device = confirmed_device(official)
    sign_in(client, official.email)

    response = client.post(VERIFY_URL + "?next=/accounts/", {"token": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.get(HOME_URL).status_code == 200
    assert AuditEvent.objects.filter(action="otp.verified", actor=official).exists()


@pytest.mark.django_db
def test_a_wrong_verify_code_is_refused_and_audited(client, official):
    device = confirmed_device(official)
    sign_in(client, official.email)

    response = client.post(VERIFY_URL, {"token": _another_code(device)})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(HOME_URL).status_code == 302
    assert AuditEvent.objects.filter(action="otp.failed", actor=official).count() == 1


@pytest.mark.django_db
def test_a_backup_code_works_once(client, official):
    device = _start_setup(client, official)
    codes = client.post(SETUP_URL, {"token": totp_code(device)}).context["backup_codes"]
    client.post(reverse("accounts:logout"))

    sign_in(client, official.email)
    first = client.post(VERIFY_URL, {"token": codes[0]})
    assert first.status_code == 302
    assert client.get(HOME_URL).status_code == 200
    client.post(reverse("accounts:logout"))

    sign_in(client, official.email)
    second = client.post(VERIFY_URL, {"token": codes[0]})

    assert second.status_code == 200
    assert client.get(HOME_URL).status_code == 302
    assert StaticToken.objects.filter(device__user=official).count() == 9


@pytest.mark.django_db
def test_setup_is_refused_once_a_device_is_confirmed(client, official):
    confirmed_device(official)
    sign_in(client, official.email)

    response = client.get(SETUP_URL + "?next=/accounts/")

    assert response.status_code == 302
    assert _path(response) == VERIFY_URL
    assert _next(response) == "/accounts/"
    assert TOTPDevice.objects.filter(user=official).count() == 1
    posted = client.post(SETUP_URL, {"token": "123456"})
    assert _path(posted) == VERIFY_URL
    assert TOTPDevice.objects.filter(user=official, confirmed=True).count() == 1


@pytest.mark.django_db
def test_a_citizen_never_sees_the_two_factor_pages(client):
    citizen = PersonFactory().user

    response = sign_in(client, citizen.email)

    assert response["Location"] == HOME_URL
    assert client.get(HOME_URL).status_code == 200
    assert client.get(SETUP_URL)["Location"] == HOME_URL
    assert client.get(VERIFY_URL)["Location"] == HOME_URL
    assert not TOTPDevice.objects.filter(user=citizen).exists()


@pytest.mark.django_db
def test_the_two_factor_pages_need_a_signed_in_user(client):
    for url in (SETUP_URL, VERIFY_URL):
        response = client.get(url)
        assert _path(response) == reverse("accounts:login")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
@pytest.mark.django_db
def test_verify_ignores_a_next_link_to_another_site(client, official, target):
    device = confirmed_device(official)
    sign_in(client, official.email)
    page = client.get(VERIFY_URL, {"next": target})
    assert target not in page.content.decode()

    response = client.post(VERIFY_URL, {"token": totp_code(device), "next": target})

    assert response["Location"] == HOME_URL


@pytest.mark.django_db
def test_setup_ignores_a_next_link_to_another_site(client, official):
    device = _start_setup(client, official)

    response = client.post(SETUP_URL + "?next=https://evil.example/", {"token": totp_code(device)})

    assert response.context["next"] == HOME_URL
    continue_link = re.search(r'<a class="button" href="([^"]*)"', response.content.decode())
    assert continue_link.group(1) == HOME_URL


@pytest.mark.django_db
def test_a_verified_superuser_opens_the_admin(verified_client_factory):
    client = verified_client_factory(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 200


@pytest.mark.django_db
def test_a_superuser_signs_in_with_password_and_code_and_reaches_the_admin(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    device = confirmed_device(superuser)

    response = sign_in(client, superuser.email, next_url="/admin/")
    gate = client.get(response["Location"])
    assert _path(gate) == VERIFY_URL
    response = client.post(gate["Location"], {"token": totp_code(device)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
