"""Browser journeys. Their harness's fixtures live in tests/browser_support.py and are registered
in tests/conftest.py; the journeys' page helpers are there too. Here: what only the journeys of
this directory share."""

import pytest


@pytest.fixture
def official_page(signed_in_page):
    """A page signed in as an official who has passed the second factor (the session is made by
    the test client and handed to the browser; an official who signs in through the pages uses
    ``official_signs_in``)."""
    return signed_in_page
