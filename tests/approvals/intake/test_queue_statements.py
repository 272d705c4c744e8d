"""The window's queue page costs a fixed number of statements, whatever the backlog (issue 12:
the intake queue at 1M)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

QUEUE = reverse("approvals:intake_queue")

# The session, the user, the second factor, whether the user holds a position; the clerk's windows
# (read once: the queue, its filter and the menu's "Window" link share them); the departments
# they serve; the services of the filter; the capped count; the page; the one-thing cases; the
# unread notifications and the positions' roles of the menu; the session's save.
QUEUE_STATEMENTS = 15


def _statements(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize("params", [{}, {"service": "SPJY"}], ids=["all", "one service"])
def test_the_queue_costs_the_same_for_two_and_for_forty(
    make_submitted, clerk, verified_client_factory, params
):
    for _ in range(2):
        make_submitted()
    client = verified_client_factory(clerk)
    client.get(QUEUE)  # the working-day calendar and the like, read once per process

    few, page = _statements(client, **params)
    assert len(page.context["rows"]) == 2
    for _ in range(38):
        make_submitted()
    many, page = _statements(client, **params)

    assert len(page.context["rows"]) == 40
    assert 'href="/work/intake/' in page.content.decode()
    assert many == few
    assert many <= QUEUE_STATEMENTS


def test_the_window_link_shows_on_the_queue_and_not_for_a_reviewer(
    clerk, reviewer, verified_client_factory
):
    """The menu's "Window" link takes the windows the queue has read; elsewhere it reads them."""
    page = verified_client_factory(clerk).get(QUEUE).content.decode()
    assert f'href="{QUEUE}" aria-current="page"' in page

    other = verified_client_factory(reviewer).get(reverse("approvals:work_queue"))
    assert f'href="{QUEUE}"' not in other.content.decode()
