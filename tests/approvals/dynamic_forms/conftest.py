import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Chinese is the portal's default language; these tests read the English wording unless they
    switch language themselves."""
    with translation.override("en"):
        yield
