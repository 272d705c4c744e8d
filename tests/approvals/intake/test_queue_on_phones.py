"""The window's queue on a phone: rows become cards whose cells say which column they are."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_intake_queue_is_cards_with_labelled_cells(clerk, submitted, verified_client_factory):
    page = verified_client_factory(clerk).get(reverse("approvals:intake_queue")).content.decode()

    table = re.search(
        r'<table class="table-stack" data-testid="intake-queue">.*?</table>', page, re.S
    )
    assert table, "the intake queue is not stacked on phones"
    assert submitted.tracking_number in table.group(0)
    cells = re.findall(r"<td[^>]*>", table.group(0).split("<tbody>", 1)[1])
    assert cells and all("data-label=" in cell for cell in cells)
