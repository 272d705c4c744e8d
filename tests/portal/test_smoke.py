import pytest

from audit.chain import verify_chain
from tests.factories import PersonFactory


@pytest.mark.django_db
def test_home_page_renders_in_both_languages(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").status_code == 200


@pytest.mark.django_db
def test_person_factory_makes_a_verified_citizen():
    person = PersonFactory()
    assert person.user.person == person
    assert verify_chain() is None
