"""The dashboard asks whether the applicant has a 一件事 case with the statement that counts
their applications (issue 17: a citizen without one spends no statement on cases)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services.theme_case_drafts import theme_case_start
from approvals.services.theme_case_submission import theme_case_submit
from tests.approvals.themes.helpers import filled_case
from tests.factories import BusinessFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("approvals:dashboard")


def _statements(browser, data=None) -> tuple[list[str], str]:
    browser.get(DASHBOARD, data)  # the session warm
    with CaptureQueriesContext(connection) as captured:
        page = browser.get(DASHBOARD, data)
    return [q["sql"] for q in captured.captured_queries], page.content.decode()


def _reading_cases(statements: list[str]) -> list[str]:
    return [sql for sql in statements if '"approvals_themecase"' in sql]


def test_a_citizen_without_a_case_spends_no_statement_on_cases(citizen, client_for):
    statements, page = _statements(client_for(citizen))

    # Only the applications' count mentions the cases (its EXISTS); no read of their rows.
    (counting,) = _reading_cases(statements)
    assert "COUNT(*)" in counting and "EXISTS" in counting
    assert 'data-testid="theme-cases"' not in page


def test_a_case_costs_its_rows_and_members_statements_and_is_shown(citizen, restaurant, client_for):
    browser = client_for(citizen)
    without, _page = _statements(browser)
    case = theme_case_submit(
        actor=citizen, case=filled_case(actor=citizen, version=restaurant), idempotency_key="k"
    )
    draft = theme_case_start(actor=citizen, version=restaurant)

    with_cases, page = _statements(browser)

    # The cases' rows and their members: two statements more, whatever the number of cases.
    assert len(with_cases) == len(without) + 2
    assert f'data-case="{case.pk}"' in page and f'data-case="{draft.pk}"' in page


def test_the_presence_follows_the_list_narrowed_to_a_business(restaurant, client_for):
    business = BusinessFactory()
    admin = MembershipFactory(business=business, user=PersonFactory().user, admin=True).user
    case = theme_case_start(actor=admin, version=restaurant, business=business)
    browser = client_for(admin)

    as_business, business_page = _statements(browser, {"acting": business.pk})
    as_person, person_page = _statements(browser, {"acting": "person"})

    assert f'data-case="{case.pk}"' in business_page
    assert f'data-case="{case.pk}"' not in person_page
    assert len(_reading_cases(as_person)) == 1  # the count's EXISTS found none: no read
    assert len(_reading_cases(as_business)) == 2


@pytest.mark.parametrize("has_case", [False, True])
def test_an_empty_list_still_answers_the_other_lists_presence(citizen, restaurant, has_case):
    # given no branch for the counted list, and a citizen with or without a case
    from approvals.selectors.branches import union_count
    from approvals.selectors.theme_cases import theme_cases_presence

    if has_case:
        theme_case_start(actor=citizen, version=restaurant)
    presence = theme_cases_presence(citizen)

    # when the (empty) list is counted
    count = union_count([], presence=presence)

    # then it counts nothing and says whether the cases' list has a row
    assert count == 0
    assert presence.found is has_case
