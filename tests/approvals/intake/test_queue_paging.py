"""The window's queue pages through a backlog of any length, oldest first, and says how many are
waiting, or that more than the counted maximum are."""

import pytest
from django.urls import reverse

from approvals import selectors

pytestmark = pytest.mark.django_db

QUEUE = reverse("approvals:intake_queue")


def shown(response) -> list[str]:
    return [row["application"].tracking_number for row in response.context["rows"]]


def test_a_long_backlog_comes_a_page_at_a_time_oldest_first(
    make_submitted, clerk, verified_client_factory
):
    # given 60 applications waiting
    waiting = [make_submitted() for _ in range(60)]
    client = verified_client_factory(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    # when the clerk opens the queue and its second page
    first = client.get(QUEUE)
    second = client.get(QUEUE, {"page": 2})

    # then 50 and then 10 are shown, oldest first, and the caption counts all 60
    order = [application.tracking_number for application in waiting]
    assert shown(first) == order[:50]
    assert shown(second) == order[50:]
    assert "60 applications waiting, oldest first" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


def test_past_the_counted_maximum_the_caption_says_more_than(
    make_submitted, clerk, verified_client_factory, monkeypatch
):
    monkeypatch.setattr(selectors.intake, "WAITING_COUNT_CAP", 5)
    monkeypatch.setattr("approvals.views.intake.WAITING_COUNT_CAP", 5)
    for _ in range(8):
        make_submitted()

    client = verified_client_factory(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    page = client.get(QUEUE).content.decode()

    assert "More than 5 applications waiting, oldest first" in page


def test_past_the_counted_maximum_every_page_is_reachable(
    make_submitted, clerk, verified_client_factory, monkeypatch
):
    # given 13 applications waiting, more than a count capped at 5, shown 50 a page
    monkeypatch.setattr(selectors.intake, "WAITING_COUNT_CAP", 5)
    monkeypatch.setattr("approvals.views.intake.WAITING_COUNT_CAP", 5)
    monkeypatch.setattr("approvals.views.intake.QUEUE_PAGE_SIZE", 3)
    order = [make_submitted().tracking_number for _ in range(13)]
    client = verified_client_factory(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    # when the clerk follows "Next" from the first page to the end
    pages, number = [], 1
    while True:
        response = client.get(QUEUE, {"page": number})
        pages.append(shown(response))
        if not response.context["page_obj"].has_next():
            break
        assert f"page={number + 1}" in response.content.decode()
        number += 1

    # then every application was shown once, oldest first, past the counted two pages
    assert [number for page in pages for number in page] == order
    assert len(pages) == 5
