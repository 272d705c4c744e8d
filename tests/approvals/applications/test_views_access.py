"""Who may open which application page: every route × applicant, business member, stranger,
anonymous visitor. A route added without a row here fails the completeness test."""

import pytest
from django.urls import get_resolver, reverse

from approvals.services.applications import application_start, application_submit
from approvals.services.notifications import notify
from tests.approvals.applications.helpers import filled_draft
from tests.approvals.applications.pages import body
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

# Routes about one application: (URL name, extra arguments after the pk, methods, application).
APPLICATION_ROUTES = [
    ("application_detail", [], ["get"], "draft"),
    ("application_step", ["basic"], ["get", "post"], "draft"),
    ("application_step", ["materials"], ["get", "post"], "draft"),
    ("application_material_upload", ["floor-plan"], ["post"], "draft"),
    ("application_attachment_remove", ["<attachment>"], ["post"], "draft"),
    ("application_material_cite", ["floor-plan"], ["post"], "draft"),
    ("application_review", [], ["get"], "draft"),
    ("application_submit", [], ["post"], "draft"),
    ("application_discard", [], ["get", "post"], "draft"),
    ("application_receipt", [], ["get"], "submitted"),
    ("application_withdraw", [], ["get", "post"], "submitted"),
    ("application_rate", [], ["post"], "submitted"),  # the owner: rated once decided
]
# Routes that are not about one application, with the reason they are not in the matrix.
OTHER_ROUTES = {
    "dashboard": "lists only what the selector lets the user see (tested on the dashboard)",
    "application_start": "creates a new application; the business is checked (start tests)",
    "notifications": "lists only the user's own notifications",
    "notification_open": "404 for someone else's notification (dashboard tests)",
    "notifications_mark_all_read": "marks only the user's own notifications",
    "track": "public by design (lookup tests)",
    "application_supplement": "only while a notice is open (tests/approvals/intake/test_pages.py)",
    "application_supplement_upload": "as application_supplement (intake page tests)",
}


def _application_url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if getattr(pattern, "namespace", None) != "approvals":
            continue
        for inner in pattern.url_patterns:
            if inner.name and (
                inner.name.startswith(("application_", "notification"))
                or inner.name in OTHER_ROUTES
            ):
                names.add(inner.name)
    return names


def test_every_application_route_is_in_the_matrix():
    covered = {name for name, *_ in APPLICATION_ROUTES} | set(OTHER_ROUTES)

    assert _application_url_names() - covered == set()


@pytest.fixture
def applications(citizen, version):
    draft = filled_draft(actor=citizen, version=version)
    submitted = application_submit(
        actor=citizen,
        application=filled_draft(actor=citizen, version=version),
        idempotency_key="k",
    )
    return {"draft": draft, "submitted": submitted}


def _urls(applications):
    for name, extra, methods, which in APPLICATION_ROUTES:
        application = applications[which]
        args = [
            application.attachments.first().pk if arg == "<attachment>" else arg for arg in extra
        ]
        url = reverse(f"approvals:{name}", args=[application.pk, *args])
        for method in methods:
            yield method, url


def test_a_stranger_gets_not_found_on_every_application_route(applications, stranger, client_for):
    browser = client_for(stranger)

    answers = {
        (method, url): getattr(browser, method)(url).status_code
        for method, url in _urls(applications)
    }

    assert set(answers.values()) == {404}, answers


def test_a_member_of_another_business_gets_not_found(applications, client_for):
    outsider = MembershipFactory(user=PersonFactory().user).user
    browser = client_for(outsider)

    answers = {
        (method, url): getattr(browser, method)(url).status_code
        for method, url in _urls(applications)
    }

    assert set(answers.values()) == {404}, answers


def test_an_anonymous_visitor_is_sent_to_sign_in(applications, client):
    for method, url in _urls(applications):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response.url


def test_the_owner_can_open_every_page(applications, citizen, client_for):
    browser = client_for(citizen)

    for method, url in _urls(applications):
        if method == "get":
            assert browser.get(url).status_code == 200, url


def test_an_agent_allowed_to_see_all_sees_the_business_s_applications(
    agent, business, version, client_for
):
    draft = application_start(actor=agent, version=version, business=business)
    colleague = MembershipFactory(
        business=business, user=PersonFactory().user, sees_all_applications=True
    ).user

    response = client_for(colleague).get(reverse("approvals:application_detail", args=[draft.pk]))

    assert response.status_code == 200


def test_an_agent_not_allowed_to_see_all_gets_404_on_a_colleague_s_application(
    agent, business, version, client_for
):
    draft = application_start(actor=agent, version=version, business=business)
    colleague = MembershipFactory(business=business, user=PersonFactory().user).user

    response = client_for(colleague).get(reverse("approvals:application_detail", args=[draft.pk]))

    assert response.status_code == 404


def test_no_page_shows_the_applicants_id_number_in_full(applications, citizen, client_for):
    browser = client_for(citizen)
    id_number = citizen.person.id_number
    notify(user=citizen, kind="test", title="T", body="B")
    pages = [url for method, url in _urls(applications) if method == "get"]
    pages += [reverse("approvals:dashboard"), reverse("approvals:notifications")]

    shown_masked = 0
    for url in pages:
        html = body(browser.get(url))
        assert id_number not in html, url
        shown_masked += citizen.person.masked_id_number in html

    assert shown_masked >= 3  # the step, the review and the application's page show it masked
