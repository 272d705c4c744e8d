"""The demo 一件事 cases: made against the demo catalogue by the demo's applicants and officials
through the services, each in the state its description names, as the applicant and the window
see it; each once (a second run creates nothing), and left out, said so, when the theme is not
published."""

import io
import re
import zipfile

import pytest
from django.urls import reverse

from approvals.models import (
    Application,
    Licence,
    ServiceRating,
    SupplementRequest,
    ThemeCase,
)
from audit.checkpoints import verify_audit_trail
from audit.models import AuditEvent
from demo.applications import KEY_PREFIX, _user
from demo.catalogue import _seed_theme, demo_themes, seed_catalogue, seed_themes
from demo.management.commands.seed_demo import DemoSeeder
from demo.theme_cases import seed_theme_cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_services():
    """The demo's departments, officials and applicants, and its catalogue."""
    DemoSeeder(password="unused-Demo-2026", reset_passwords=False).seed()
    seed_catalogue()


@pytest.fixture
def demo_city(demo_services):
    seed_themes()  # both demo themes


@pytest.fixture
def seeded(demo_city, django_capture_on_commit_callbacks):
    # the tasks queued after each commit run, as the worker runs them (PDFs rendered and sealed)
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_theme_cases()
    return {item.case.key: item for item in made}


def theme_case(key: str) -> ThemeCase:
    return ThemeCase.objects.get(idempotency_key=KEY_PREFIX + key)


def statuses_on_the_page(client, case) -> dict[str, str]:
    """Member → status, as the applicant's case page marks them."""
    html = client.get(reverse("approvals:theme_case_detail", args=[case.pk])).content.decode()
    return dict(re.findall(r'data-member="([^"]+)" data-status="([^"]+)"', html))


def applicant(client, case):
    client.force_login(case.created_by)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_case_whose_theme_is_not_published_is_left_out_and_said_so(demo_services):
    # given the restaurant published, the hotel not
    [restaurant] = [data for data in demo_themes() if data["code"] == "RESTAURANT"]
    _seed_theme(restaurant, actor=None)

    seeded = {item.case.key: item for item in seed_theme_cases()}

    draft = seeded["theme_restaurant_draft"].theme_case
    submitted = seeded["theme_restaurant"].theme_case
    assert draft.status == "draft" and draft.answers["sign"] is True
    assert submitted.status == "submitted" and submitted.tracking_number
    assert {m.theme_member_key for m in Application.objects.filter(theme_case=submitted)} == {
        "company",
        "food",
        "fire",
        "sign",
        "drainage",
    }
    for key in ("theme_hotel", "theme_hotel_review", "theme_hotel_denied"):
        assert seeded[key].theme_case is None
        assert "HOTEL" in seeded[key].problem


THEME_CASE_KEYS = (
    "theme_restaurant",
    "theme_hotel",
    "theme_restaurant_supplement",
    "theme_restaurant_waiting",
    "theme_hotel_review",
    "theme_restaurant_decided",
    "theme_hotel_denied",
)


def test_every_demo_case_is_in_its_state_as_its_applicant_and_the_window_see_it(
    seeded, client, verified_client_factory
):
    assert all(item.theme_case is not None for item in seeded.values()), [
        item.problem for item in seeded.values() if item.problem
    ]

    # at the window: the demo window clerk finds the two cases waiting there in the queue, and
    # opens the case page of each case that reached the window
    desk = verified_client_factory(_user("clerk@demo.gov.cn"))
    queue = desk.get(reverse("approvals:intake_queue")).content.decode()
    rows = queue.split('data-testid="theme-intake-queue"', 1)[1].split("</table>", 1)[0]
    waiting = {theme_case("theme_restaurant"), theme_case("theme_hotel")}
    assert set(re.findall(r"[A-Z]+-\d{8}-\d{5}", rows)) == {c.tracking_number for c in waiting}
    for key in THEME_CASE_KEYS:
        page = desk.get(reverse("approvals:theme_case_intake", args=[theme_case(key).pk]))
        assert page.status_code == 200, key

    # one supplement notice covering two departments, waiting for the applicant
    case = theme_case("theme_restaurant_supplement")
    assert statuses_on_the_page(applicant(client, case), case) == {
        "individual": "submitted",
        "food": "supplement_requested",
        "drainage": "supplement_requested",
    }
    requests = SupplementRequest.objects.filter(application__theme_case=case)
    assert {r.application.service_version.item.department.code for r in requests} == {
        "fz-market",
        "fz-housing",
    }
    assert AuditEvent.objects.filter(action="theme_case.supplement_requested").count() == 1

    # accepted: the registration under review, the food licence and drainage waiting for it
    case = theme_case("theme_restaurant_waiting")
    assert statuses_on_the_page(applicant(client, case), case) == {
        "individual": "under_review",
        "food": "waiting",
        "drainage": "waiting",
    }

    # under review: the registration decided (its licence issued), the others started from it
    case = theme_case("theme_hotel_review")
    assert statuses_on_the_page(applicant(client, case), case) == {
        "individual": "licence_issued",
        "hygiene": "under_review",
        "fire": "under_review",
    }
    registration = Licence.objects.get(application__theme_case=case)
    page = client.get(reverse("approvals:theme_case_detail", args=[case.pk])).content.decode()
    assert registration.number in page  # cited by the services that waited for it

    # decided: every certificate issued, handed over as one set, one rating per department
    case = theme_case("theme_restaurant_decided")
    assert set(statuses_on_the_page(applicant(client, case), case).values()) == {"licence_issued"}
    response = client.get(reverse("approvals:theme_case_certificates", args=[case.pk]))
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    licences = Licence.objects.filter(application__theme_case=case)
    assert licences.count() == 3
    assert len(names) == 6  # each member's decision and its licence
    assert all(name.endswith(".pdf") for name in names)
    ratings = ServiceRating.objects.filter(application__theme_case=case)
    assert {(r.application.service_version.item.department.code, r.grade) for r in ratings} == {
        ("fz-market", 5),
        ("fz-housing", 5),
    }
    assert ratings.count() == 3
    assert case.rated_at is not None

    # denied: the registration refused, the services that need it stopped with the reason
    case = theme_case("theme_hotel_denied")
    assert statuses_on_the_page(applicant(client, case), case) == {
        "individual": "denied",
        "hygiene": "stopped",
        "fire": "stopped",
    }
    page = client.get(reverse("approvals:theme_case_detail", args=[case.pk])).content.decode()
    assert (
        "A service this one needs was not approved: Individual business registration: Denied."
        in page
    )

    # every state was reached through the services: the audit trail tells it and verifies
    assert verify_audit_trail().problem is None

    # and a second run creates nothing
    before = (ThemeCase.objects.count(), AuditEvent.objects.count())
    assert not any(item.created for item in seed_theme_cases())
    assert (ThemeCase.objects.count(), AuditEvent.objects.count()) == before
