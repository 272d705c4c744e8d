"""The demo 一件事 cases: made through the applicant's services once the theme is published, each
once (a second run creates nothing), and left out, said so, when the theme is not published."""

import pytest

from approvals.models import Application, ThemeCase
from demo.theme_cases import seed_theme_cases
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_citizens():
    for email in ("citizen2@demo.cn", "citizen3@demo.cn"):
        PersonFactory(user=UserFactory(email=email))


def test_the_demo_cases_are_made_once_through_the_services(restaurant, demo_citizens):
    seeded = {item.case.key: item for item in seed_theme_cases()}

    draft = seeded["theme_restaurant_draft"].theme_case
    submitted = seeded["theme_restaurant"].theme_case
    assert draft.status == "draft" and draft.answers == {"sign": True}
    assert submitted.status == "submitted" and submitted.tracking_number
    assert Application.objects.filter(theme_case=submitted).count() == 3
    assert seeded["theme_hotel"].theme_case is None
    assert "HOTEL" in seeded["theme_hotel"].problem

    again = seed_theme_cases()

    assert not any(item.created for item in again)
    assert ThemeCase.objects.count() == 2
