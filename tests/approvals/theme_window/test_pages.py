"""The window's page of a one-thing case and the applicant's one supplement page: the access
matrix of every route, the case as one queue row, the decisions through their forms (409 on a
stale form), the supplement answered once on one page, both languages, constant query counts."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from approvals.services.theme_intake import theme_case_accept_with_pledge
from approvals.services.theme_supplement import theme_case_request_supplement
from tests.approvals.theme_window.conftest import members_of
from tests.factories import ApplicationFactory, PersonFactory
from tests.support import in_days, png_upload

pytestmark = pytest.mark.django_db

QUEUE = reverse("approvals:intake_queue")


def page_url(case):
    return reverse("approvals:theme_case_intake", args=[case.pk])


def decide_url(case, action):
    return reverse("approvals:theme_case_intake_decide", args=[case.pk, action])


def supplement_url(case):
    return reverse("approvals:theme_case_supplement", args=[case.pk])


def upload_url(case, target):
    return reverse("approvals:theme_case_supplement_upload", args=[case.pk, target])


@pytest.fixture
def as_user(verified_client_factory):
    def make(user, language="en"):
        client = verified_client_factory(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make


@pytest.fixture
def asked(case, clerk):
    theme_case_request_supplement(
        actor=clerk,
        case=case,
        revision=case.revision,
        items=[
            {"material": "shared:lease", "problem": "Unsigned"},
            {"member": "fire", "field": "shop_name", "problem": "Not the name on the sign"},
        ],
        reply_by=in_days(10),
    )
    case.refresh_from_db()
    return case


# --- Access matrix -------------------------------------------------------------------------------

WINDOW_ROUTES = {"theme_case_intake", "theme_case_intake_decide"}
APPLICANT_ROUTES = {"theme_case_supplement", "theme_case_supplement_upload"}


def _window_routes(case):
    return [
        ("get", page_url(case)),
        *(
            ("post", decide_url(case, action))
            for action in ("accept", "pledge", "supplement", "refuse")
        ),
    ]


def _applicant_routes(case):
    return [
        ("get", supplement_url(case)),
        ("post", supplement_url(case)),
        ("post", upload_url(case, "shared:lease")),
    ]


def test_every_route_of_the_window_and_the_answer_is_in_the_matrix():
    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "approvals":
            names |= {
                p.name
                for p in pattern.url_patterns
                if (p.name or "").startswith(("theme_case_intake", "theme_case_supplement"))
            }
    assert names == WINDOW_ROUTES | APPLICANT_ROUTES


def test_anonymous_visitors_are_sent_to_sign_in(asked):
    for method, url in _window_routes(asked) + _applicant_routes(asked):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url, url


@pytest.mark.parametrize("who", ["citizen", "other_clerk", "reviewer"])
def test_only_the_lead_window_s_clerks_open_the_window_pages(
    request, case, as_user, reviewers, who
):
    user = reviewers["city-fire"] if who == "reviewer" else request.getfixturevalue(who)
    client = as_user(user)

    answers = {
        url: getattr(client, m)(url, {"revision": case.revision}).status_code
        for m, url in _window_routes(case)
    }

    assert set(answers.values()) <= {403, 404}, answers
    assert {m.status for m in members_of(case).values()} == {"submitted"}


@pytest.mark.parametrize("who", ["stranger", "clerk"])
def test_only_the_applicant_opens_the_supplement_pages(request, asked, as_user, who):
    user = PersonFactory().user if who == "stranger" else request.getfixturevalue(who)
    client = as_user(user)

    answers = {url: getattr(client, m)(url).status_code for m, url in _applicant_routes(asked)}

    assert set(answers.values()) == {404}, answers


# --- The window ----------------------------------------------------------------------------------


def test_the_queue_shows_the_case_once_in_a_constant_number_of_queries(make_case, clerk, as_user):
    first = make_case()
    client = as_user(clerk)
    client.get(QUEUE)
    with CaptureQueriesContext(connection) as few:
        html = client.get(QUEUE).content.decode()
    for _ in range(3):
        make_case()
    with CaptureQueriesContext(connection) as many:
        more = client.get(QUEUE).content.decode()

    assert len(many) == len(few)
    assert html.count(first.tracking_number) == 1
    assert not any(m.tracking_number in html for m in members_of(first).values())
    assert more.count('href="/work/intake/cases/') == 4


def test_the_case_page_costs_the_same_whatever_the_number_of_members(
    case, clerk, as_user, services
):
    client = as_user(clerk)
    client.get(page_url(case))
    with CaptureQueriesContext(connection) as three:
        html = client.get(page_url(case)).content.decode()
    ApplicationFactory(
        submitted=True,
        service_version=services["fire"],
        person=case.person,
        created_by=case.created_by,
        theme_case=case,
        theme_member_key="second-fire",
    )
    with CaptureQueriesContext(connection) as four:
        more = client.get(page_url(case)).content.decode()

    for service in services.values():
        assert service.name_en in html
    assert more.count('data-testid="member-') == 4
    assert len(four) == len(three)


def _unfolded(html: str) -> dict[str, bool]:
    """Member → whether its details are open, as the window's page folds them."""
    found = re.findall(
        r'<details class="panel case-member" data-testid="member-([\w-]+)"( open)?>', html
    )
    return {key: bool(is_open) for key, is_open in found}


def test_the_members_are_folded_unless_the_window_has_something_to_check_in_them(
    case, clerk, as_user
):
    client = as_user(clerk)
    # a case just received: every member folded, a jump to the decision at the top
    html = client.get(page_url(case)).content.decode()
    assert _unfolded(html) == {"registration": False, "food": False, "fire": False}
    assert '<a href="#decide-heading">' in html

    # with the supplement notice out, the members it lists are open, the others folded
    theme_case_request_supplement(
        actor=clerk,
        case=case,
        revision=case.revision,
        items=[{"member": "fire", "field": "shop_name", "problem": "Not the name on the sign"}],
        reply_by=in_days(10),
    )
    html = client.get(page_url(case)).content.decode()
    assert _unfolded(html) == {"registration": False, "food": False, "fire": True}


def test_a_member_accepted_against_a_pledge_is_open_on_the_window_s_page(case, clerk, as_user):
    # given the case accepted with the registration's floor plan pledged
    theme_case_accept_with_pledge(
        actor=clerk,
        case=case,
        revision=case.revision,
        pledges=[{"member": "registration", "material": "floor-plan"}],
        due_on=in_days(10),
    )

    html = as_user(clerk).get(page_url(case)).content.decode()

    assert _unfolded(html)["registration"] is True
    assert _unfolded(html)["fire"] is False


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "One-thing case at the window"), ("zh-hans", "一件事窗口受理")],
)
def test_the_case_page_in_both_languages(case, clerk, as_user, language, heading):
    html = as_user(clerk, language).get(page_url(case)).content.decode()

    assert heading in html


def test_the_clerk_accepts_the_whole_case_through_the_form(case, clerk, as_user):
    response = as_user(clerk).post(decide_url(case, "accept"), {"revision": case.revision})

    assert response.status_code == 302
    statuses = {k: m.status for k, m in members_of(case).items()}
    assert statuses == {"registration": "under_review", "fire": "under_review", "food": "waiting"}


def test_a_stale_form_answers_409_and_changes_nothing(case, clerk, as_user):
    response = as_user(clerk).post(decide_url(case, "accept"), {"revision": case.revision - 1})

    assert response.status_code == 409
    assert {m.status for m in members_of(case).values()} == {"submitted"}


def test_the_clerk_sends_one_supplement_notice_through_the_form(case, clerk, as_user):
    response = as_user(clerk).post(
        decide_url(case, "supplement"),
        {
            "revision": case.revision,
            "m-shared:lease": "on",
            "p-shared:lease": "Unsigned",
            "f-fire:shop_name": "on",
            "fp-fire:shop_name": "Wrong name",
            "reply_by": in_days(10).isoformat(),
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert {m.status for m in members_of(case).values()} == {"supplement_requested"}


def test_the_clerk_accepts_with_a_pledge_through_the_form(case, clerk, as_user):
    response = as_user(clerk).post(
        decide_url(case, "pledge"),
        {
            "revision": case.revision,
            "material_key": "fire:floor-plan",
            "due_on": in_days(15).isoformat(),
        },
    )

    assert response.status_code == 302
    assert members_of(case)["fire"].status == "under_review"
    assert members_of(case)["fire"].pledges.get().material_key == "floor-plan"


# --- The applicant answers once -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Complete your one-thing application"), ("zh-hans", "补正您的一件事申请")],
)
def test_the_supplement_page_lists_each_item_once_in_both_languages(
    asked, citizen, as_user, language, heading
):
    html = as_user(citizen, language).get(supplement_url(asked)).content.decode()

    assert heading in html
    assert html.count("Unsigned") == 1
    assert "Not the name on the sign" in html


def test_the_applicant_uploads_once_corrects_and_sends_once(asked, citizen, as_user):
    client = as_user(citizen)

    uploaded = client.post(upload_url(asked, "shared:lease"), {"file": png_upload("lease.png")})
    sent = client.post(
        supplement_url(asked), {"data-fire-shop_name": "老福州小吃店", "comment": "Done"}
    )

    assert uploaded.status_code == 302
    assert sent.status_code == 302, sent.content.decode()[:3000]
    members = members_of(asked)
    assert {m.status for m in members.values()} == {"submitted"}
    assert members["fire"].data["shop_name"] == "老福州小吃店"
    assert client.get(supplement_url(asked)).status_code == 302  # nothing left to answer


def test_sending_before_uploading_is_refused(asked, citizen, as_user):
    response = as_user(citizen).post(supplement_url(asked), {"data-fire-shop_name": "老福州小吃店"})

    assert response.status_code == 400
    assert {m.status for m in members_of(asked).values()} == {"supplement_requested"}


def test_a_member_s_own_supplement_page_sends_the_applicant_to_the_case_s(asked, citizen, as_user):
    member = members_of(asked)["fire"]
    client = as_user(citizen)

    page = client.get(reverse("approvals:application_supplement", args=[member.pk]))
    sent = client.post(reverse("approvals:application_supplement", args=[member.pk]), {})
    upload = client.post(
        reverse("approvals:application_supplement_upload", args=[member.pk, "lease"]),
        {"file": png_upload("lease.png")},
    )

    assert page.status_code == 302 and page.url == supplement_url(asked)
    assert sent.status_code == 302 and sent.url == supplement_url(asked)
    assert upload.status_code == 404
    assert members_of(asked)["fire"].status == "supplement_requested"


def test_opening_the_case_page_is_recorded_on_the_case(case, clerk, as_user):
    from tests.support import events

    response = as_user(clerk).get(page_url(case))

    assert response.status_code == 200
    viewed = events("theme_case.viewed", case).get()
    assert viewed.actor == clerk
    assert len(viewed.changes["applications"][1]) == 3
