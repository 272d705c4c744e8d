"""一件事 themes in the catalogue and cases: versions never change once published; a submitted
case's members are applications of their own."""

import pytest
from django.core.exceptions import ValidationError

from approvals.models import Application
from tests.factories import ServiceVersionFactory, ThemeCaseFactory, ThemeVersionFactory

pytestmark = pytest.mark.django_db


def test_a_published_theme_version_and_its_members_cannot_change():
    registration = ServiceVersionFactory(published=True)
    version = ThemeVersionFactory(members=[{"key": "reg", "service_item": registration.item}])
    version.name_en = "Open a restaurant"
    version.save()  # a draft may change
    version.status = "published"
    version.save(update_fields=["status"])

    version.name_en = "Something else"
    with pytest.raises(ValidationError):
        version.save()
    member = version.members.get()
    member.condition = {"question": "x", "equals": True}
    with pytest.raises(ValidationError):
        member.save()


def test_a_submitted_case_has_one_application_per_member_its_answers_need():
    food, sign = ServiceVersionFactory(published=True), ServiceVersionFactory(published=True)
    version = ThemeVersionFactory(
        published=True,
        questions=[{"key": "sign", "kind": "yes_no"}],
        members=[
            {"key": "food", "service_item": food.item},
            {
                "key": "sign",
                "service_item": sign.item,
                "condition": {"question": "sign", "equals": True},
            },
        ],
    )

    case = ThemeCaseFactory(version=version, submitted=True, answers={"sign": False})

    members = Application.objects.filter(theme_case=case)
    assert [(a.theme_member_key, a.service_version) for a in members] == [("food", food)]
    assert members.get().status == "submitted"
