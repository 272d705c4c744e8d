"""The sign-in and sign-up pages can be used with a screen reader and a keyboard."""

import re

import pytest
from django.urls import reverse

from tests.accounts.views.auth_helpers import confirmed_device, sign_in
from tests.factories import PopulationRecordFactory


def _input_tag(body: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert match, f"no input named {name}"
    return match.group(0)


@pytest.mark.django_db
def test_sign_up_errors_mark_the_field_invalid_and_link_the_summary_to_it(client):
    record = PopulationRecordFactory(name="王芳")

    response = client.post(
        "/accounts/signup/",
        {
            "real_name": "李四",
            "id_number": record.id_number,
            "mobile": "13800138000",
            "email": "wang.fang@example.cn",
            "password1": "lantern orchard 47 quietly",
            "password2": "lantern orchard 47 quietly",
        },
    )

    body = response.content.decode()
    name_input = _input_tag(body, "real_name")
    assert 'aria-invalid="true"' in name_input
    described_by = re.search(r'aria-describedby="([^"]+)"', name_input).group(1).split()
    assert "id_real_name-error-1" in described_by
    for element_id in described_by:
        assert f'id="{element_id}"' in body
    assert 'aria-invalid="true"' not in _input_tag(body, "email")
    summary = body[body.index('class="error-summary"') :]
    assert 'href="#id_real_name"' in summary
    assert 'id="id_real_name"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password-reset/",
    ],
)
@pytest.mark.django_db
def test_every_input_has_a_label_and_the_page_has_one_heading(client, url):
    body = client.get(url).content.decode()

    _assert_labelled_with_one_heading(body)
    assert "<form" in body and "novalidate" in body


def _assert_labelled_with_one_heading(body: str) -> None:
    assert body.count("<h1") == 1
    for tag in re.findall(r"<input[^>]*>", body):
        if 'type="hidden"' in tag:
            continue
        input_id = re.search(r'\sid="([^"]+)"', tag).group(1)
        assert f'<label for="{input_id}"' in body, f"{input_id} has no label"


@pytest.mark.parametrize("page", ["accounts:otp_setup", "accounts:otp_verify"])
@pytest.mark.django_db
def test_a_refused_two_factor_code_is_announced_and_tied_to_the_field(client, official, page):
    if page == "accounts:otp_verify":
        confirmed_device(official)
    sign_in(client, official.email)

    response = client.post(reverse(page), {"token": "12345x"})

    body = response.content.decode()
    _assert_labelled_with_one_heading(body)
    token_input = _input_tag(body, "token")
    assert 'aria-invalid="true"' in token_input
    assert 'aria-describedby="id_token-error-1"' in token_input
    assert 'role="alert"' in body and 'href="#id_token"' in body


@pytest.mark.django_db
def test_the_lockout_page_is_announced_and_keeps_a_labelled_form(client):
    for _ in range(10):
        response = sign_in(client, "nobody@example.cn", "not the password at all")

    body = response.content.decode()
    assert response.status_code == 429
    _assert_labelled_with_one_heading(body)
    assert 'role="alert"' in body
