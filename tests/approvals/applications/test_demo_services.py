"""Every service of the demo catalogue can be applied for: each step opens in both languages, an
empty submission is explained rather than crashing, and the application reaches a window."""

import pytest
from django.urls import reverse

from approvals.models import ServiceVersion, VersionStatus
from approvals.selectors.applications import window_departments
from approvals.services.applications import application_start, step_keys
from demo.catalogue import DEMO_SERVICES, seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.approvals.applications.pages import body, revision_of
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

CODES = [spec["code"] for spec in DEMO_SERVICES]


@pytest.fixture
def catalogue(db):
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()


@pytest.fixture
def applicant():
    """A citizen who is also the administrator of a business, so that every service is open."""
    membership = MembershipFactory(admin=True, user=PersonFactory().user)
    return membership.user, membership.business


@pytest.mark.parametrize("code", CODES)
def test_every_step_of_every_demo_service_opens_and_explains_an_empty_answer(
    catalogue, applicant, client_for, code
):
    user, business = applicant
    version = ServiceVersion.objects.get(item__code=code, status=VersionStatus.PUBLISHED)
    application = application_start(
        actor=user, version=version, business=None if version.for_persons else business
    )

    for language in ("en", "zh-hans"):
        browser = client_for(user, language)
        for key in step_keys(version):
            response = browser.get(
                reverse("approvals:application_step", args=[application.pk, key])
            )
            assert response.status_code == 200, (code, language, key)
        review = browser.get(reverse("approvals:application_review", args=[application.pk]))
        assert review.status_code == 200
    browser = client_for(user)
    first = step_keys(version)[0]
    url = reverse("approvals:application_step", args=[application.pk, first])
    empty = browser.post(url, {"revision": revision_of(browser.get(url)), "action": "continue"})
    assert empty.status_code == 200
    assert 'class="error-summary"' in body(empty)
    assert [window.code for window in window_departments(version)] == ["fz-window"]
