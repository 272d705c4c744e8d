import pytest

from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes files into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
