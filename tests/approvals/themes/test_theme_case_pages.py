"""The case's pages as a browser uses them (without JavaScript): start, the questions pick the
members, each shared field and material once, review, submit once, the case page; the
dashboard shows the case as one row; /track/ finds it; who may open which page."""

import re

import pytest
from django.urls import get_resolver, reverse

from approvals.models import Application, ServiceVersion, ThemeCase
from approvals.services.theme_case_drafts import theme_case_start
from approvals.services.theme_case_submission import theme_case_submit
from tests.approvals.themes.helpers import filled_case, pdf
from tests.factories import MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_the_applicant_files_the_restaurant_through_the_pages(citizen, restaurant, client_for):
    browser = client_for(citizen)

    response = browser.post(
        reverse("approvals:theme_case_start", args=["RESTAURANT"]), {"applicant": "person"}
    )
    case = ThemeCase.objects.get(created_by=citizen)
    assert response.url == reverse("approvals:theme_case_questions", args=[case.pk])
    response = browser.post(
        response.url,
        {"q_sign": "no", "delivery": "together", "revision": case.revision, "action": "continue"},
    )
    # No sign: the shared step asks the name once (the operator comes from the registry).
    assert response.url == reverse("approvals:theme_case_shared", args=[case.pk])
    page = _text(browser.get(response.url))
    assert 'name="name"' in page and 'name="operator"' not in page
    case.refresh_from_db()
    response = browser.post(
        response.url, {"name": "老王餐馆", "revision": case.revision, "action": "continue"}
    )
    assert response.url == reverse(
        "approvals:theme_case_member_step", args=[case.pk, "registration", "main"]
    )
    page = _text(browser.get(response.url))
    assert 'name="capital"' in page and 'name="trade_name"' not in page
    case.refresh_from_db()
    response = browser.post(
        response.url, {"capital": "100000", "revision": case.revision, "action": "continue"}
    )
    case.refresh_from_db()
    response = browser.post(
        response.url, {"seats": "40", "revision": case.revision, "action": "continue"}
    )
    assert response.url == reverse("approvals:theme_case_materials", args=[case.pk])
    materials = _text(browser.get(response.url))
    assert materials.count('name="file"') == 3  # the lease once, one own material each
    upload_url = reverse("approvals:theme_case_material_upload", args=[case.pk])
    for member, material in (
        ("", "lease"),
        ("registration", "identity"),
        ("food", "kitchen_layout"),
    ):
        response = browser.post(
            upload_url, {"member": member, "material": material, "file": pdf(f"{material}.pdf")}
        )
        assert response.status_code == 302
    review_url = reverse("approvals:theme_case_review", args=[case.pk])
    review = _text(browser.get(review_url))
    assert "error-summary" not in review
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', review).group(1)

    response = browser.post(review_url, {"declaration": "on", "idempotency_key": key})

    assert response.url == reverse("approvals:theme_case_detail", args=[case.pk])
    detail = _text(browser.get(response.url))
    case.refresh_from_db()
    assert case.tracking_number in detail
    assert 'data-testid="query-code"' in detail
    assert detail.count('class="panel case-member') == 2
    assert 'data-testid="receipt"' in detail
    # A second click on the same form files nothing more.
    browser.post(review_url, {"declaration": "on", "idempotency_key": key})
    assert Application.objects.filter(theme_case=case).count() == 2


def test_a_hostile_upload_is_refused_on_the_page(citizen, restaurant, client_for):
    from tests.approvals.uploads.files import pdf_with_javascript_open_action, upload

    case = theme_case_start(actor=citizen, version=restaurant)

    response = client_for(citizen).post(
        reverse("approvals:theme_case_material_upload", args=[case.pk]),
        {"member": "", "material": "lease", "file": upload(pdf_with_javascript_open_action())},
    )

    assert response.status_code == 400
    assert 'role="alert"' in _text(response)


def test_the_review_lists_what_is_missing(citizen, restaurant, client_for):
    case = theme_case_start(actor=citizen, version=restaurant)

    page = _text(client_for(citizen).get(reverse("approvals:theme_case_review", args=[case.pk])))

    assert "error-summary" in page
    assert (
        reverse("approvals:theme_case_materials", args=[case.pk]) + "#material-shared-lease" in page
    )


def test_the_dashboard_shows_the_case_as_one_row_with_its_members_inside(
    citizen, restaurant, client_for, django_assert_max_num_queries
):
    theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="k"
    )
    theme_case_submit(
        actor=citizen,
        case=filled_case(actor=citizen, version=restaurant, sign=False),
        idempotency_key="k2",
    )
    browser = client_for(citizen, "en")

    page = _text(browser.get(reverse("approvals:dashboard")))

    assert page.count("data-case=") == 2
    # The members are inside their case, not loose rows of the applications table.
    assert "You have no applications yet." not in page
    assert (
        page.count('href="/applications/') == 0
        or '<table class="applications table-stack">' in page
    )
    loose = re.findall(r'href="/applications/(\d+)/"', page)
    assert loose == []


def test_the_dashboard_reads_cases_in_constant_queries(
    citizen, restaurant, client_for, django_assert_max_num_queries
):
    browser = client_for(citizen)
    theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="a"
    )
    browser.get(reverse("approvals:dashboard"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        browser.get(reverse("approvals:dashboard"))
    for n in range(3):
        theme_case_submit(
            actor=citizen,
            case=filled_case(actor=citizen, version=restaurant),
            idempotency_key=f"b{n}",
        )

    with django_assert_max_num_queries(len(one.captured_queries)):
        browser.get(reverse("approvals:dashboard"))


def test_the_case_page_reads_a_constant_number_of_queries_per_member(
    citizen, restaurant, client_for
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = client_for(citizen)
    small = theme_case_submit(
        actor=citizen,
        case=filled_case(actor=citizen, version=restaurant, sign=False),
        idempotency_key="a",
    )
    large = theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="b"
    )
    browser.get(reverse("approvals:theme_case_detail", args=[small.pk]))

    with CaptureQueriesContext(connection) as two:
        browser.get(reverse("approvals:theme_case_detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as three:
        browser.get(reverse("approvals:theme_case_detail", args=[large.pk]))
    per_member = len(three.captured_queries) - len(two.captured_queries)

    assert per_member <= 12  # the member's own timeline, nothing per other row


def test_track_finds_the_case_by_its_number_and_query_code(citizen, restaurant, client):
    submitted = theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="k"
    )

    response = client.post(
        reverse("approvals:track"),
        {"tracking_number": submitted.tracking_number, "query_code": submitted.query_code},
    )

    assert response.status_code == 200
    page = _text(response)
    assert submitted.tracking_number in page
    assert page.count("<tr>") == 4  # the header and the three members
    assert citizen.person.real_name not in page
    wrong = client.post(
        reverse("approvals:track"),
        {"tracking_number": submitted.tracking_number, "query_code": "000000"},
    )
    assert wrong.status_code == 404


# --- Who may open which page -------------------------------------------------------------------

# (URL name, extra arguments after the pk, methods, which case).
CASE_ROUTES = [
    ("theme_case_detail", [], ["get"], "submitted"),
    ("theme_case_questions", [], ["get", "post"], "draft"),
    ("theme_case_shared", [], ["get", "post"], "draft"),
    ("theme_case_member_step", ["registration", "main"], ["get", "post"], "draft"),
    ("theme_case_materials", [], ["get", "post"], "draft"),
    ("theme_case_material_upload", [], ["post"], "draft"),
    ("theme_case_material_cite", [], ["post"], "draft"),
    ("theme_case_material_remove", ["<attachment>"], ["post"], "draft"),
    ("theme_case_review", [], ["get", "post"], "draft"),
    ("theme_case_discard", [], ["post"], "draft"),
    ("theme_case_certificates", [], ["get"], "submitted"),
    ("theme_case_rate", [], ["get", "post"], "submitted"),
    ("theme_case_withdraw", [], ["get", "post"], "submitted"),
]
OTHER_ROUTES = {
    "theme_case_start": "creates a new case; who applies is checked like application_start",
    # The window's pages of a case and the applicant's supplement answer: their own matrix in
    # tests/approvals/theme_window/test_pages.py.
    "theme_case_intake": "the lead window's clerks only (theme_window/test_pages.py)",
    "theme_case_intake_decide": "the lead window's clerks only (theme_window/test_pages.py)",
    "theme_case_supplement": "the applicant (theme_window/test_pages.py)",
    "theme_case_supplement_upload": "the applicant (theme_window/test_pages.py)",
}


def _theme_case_url_names() -> set[str]:
    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "approvals":
            continue
        names |= {p.name for p in pattern.url_patterns if (p.name or "").startswith("theme_case")}
    return names


def test_every_case_route_is_in_the_matrix():
    covered = {name for name, *_ in CASE_ROUTES} | set(OTHER_ROUTES)

    assert _theme_case_url_names() - covered == set()


@pytest.fixture
def cases(citizen, restaurant):
    draft = filled_case(actor=citizen, version=restaurant)
    submitted = theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="k"
    )
    return {"draft": draft, "submitted": submitted}


def _urls(cases):
    for name, extra, methods, which in CASE_ROUTES:
        case = cases[which]
        args = [case.attachments.first().pk if a == "<attachment>" else a for a in extra]
        url = reverse(f"approvals:{name}", args=[case.pk, *args])
        for method in methods:
            yield method, url


def test_a_stranger_gets_not_found_on_every_case_route(cases, stranger, client_for):
    browser = client_for(stranger)

    answers = {(m, url): getattr(browser, m)(url).status_code for m, url in _urls(cases)}

    assert set(answers.values()) == {404}, answers


def test_a_member_of_another_business_gets_not_found(cases, client_for):
    outsider = MembershipFactory(user=PersonFactory().user).user
    browser = client_for(outsider)

    answers = {(m, url): getattr(browser, m)(url).status_code for m, url in _urls(cases)}

    assert set(answers.values()) == {404}, answers


def test_an_anonymous_visitor_is_sent_to_sign_in(cases, client):
    for method, url in _urls(cases):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert reverse("accounts:login") in response.url


def test_the_owner_opens_every_page_that_is_open_now(cases, citizen, client_for):
    browser = client_for(citizen)

    for method, url in _urls(cases):
        if method == "get":
            # Nothing decided yet: the certificates are not ready (404), rating sends back.
            expected = {404} if "certificates" in url else {200, 302}
            assert browser.get(url).status_code in expected, url


def test_no_case_page_shows_the_id_number_in_full(cases, citizen, client_for):
    browser = client_for(citizen)

    for method, url in _urls(cases):
        if method == "get":
            assert citizen.person.id_number not in _text(browser.get(url)), url


def test_a_members_own_page_links_back_to_its_case(citizen, restaurant, client_for):
    submitted = theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="k"
    )
    member = Application.objects.filter(theme_case=submitted).first()

    page = _text(client_for(citizen).get(reverse("approvals:application_detail", args=[member.pk])))

    assert reverse("approvals:theme_case_detail", args=[submitted.pk]) in page


def test_a_business_case_is_seen_by_the_members_who_see_all_and_not_by_other_agents(
    restaurant, client_for
):
    from tests.factories import BusinessFactory

    business = BusinessFactory()
    admin = MembershipFactory(business=business, user=PersonFactory().user, admin=True).user
    case = theme_case_start(actor=admin, version=restaurant, business=business)
    sees_all = MembershipFactory(
        business=business, user=PersonFactory().user, sees_all_applications=True
    ).user
    agent = MembershipFactory(business=business, user=PersonFactory().user).user
    url = reverse("approvals:theme_case_questions", args=[case.pk])

    assert case.business == business and case.person is None
    assert client_for(admin).get(url).status_code == 200
    assert client_for(sees_all).get(url).status_code == 200
    assert client_for(agent).get(url).status_code == 404
    dashboard = _text(client_for(sees_all).get(reverse("approvals:dashboard")))
    assert f'data-case="{case.pk}"' in dashboard


@pytest.mark.parametrize(("language", "colon"), [("zh-hans", "："), ("en", ": ")])
def test_a_member_step_is_named_with_its_service_in_the_readers_typography(
    citizen, restaurant, client_for, language, colon
):
    # given a case whose questions are answered
    case = filled_case(actor=citizen, version=restaurant)
    url = reverse("approvals:theme_case_member_step", args=[case.pk, "registration", "main"])
    service = ServiceVersion.objects.get(item__code="T-REG")

    # when the applicant opens the member's step
    page = _text(client_for(citizen, language).get(url))

    # then its heading and its place in the steps name the service, joined as the language writes
    name = service.name_zh if language == "zh-hans" else service.name_en
    heading = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert heading == f"{name}{colon}Main"
    assert f"{name}{colon}Main" in re.search(r'<nav class="progress".*?</nav>', page, re.S).group(0)
