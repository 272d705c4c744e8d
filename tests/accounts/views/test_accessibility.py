"""The sign-in and sign-up pages can be used with a screen reader and a keyboard."""

import re

import pytest

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

    assert body.count("<h1") == 1
    for tag in re.findall(r"<input[^>]*>", body):
        if 'type="hidden"' in tag:
            continue
        input_id = re.search(r'id="([^"]+)"', tag).group(1)
        assert f'<label for="{input_id}"' in body, f"{input_id} has no label"
    assert "<form" in body and "novalidate" in body
