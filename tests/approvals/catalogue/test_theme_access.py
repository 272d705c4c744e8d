"""Who may open the public 一件事 pages: everyone (they are the guide, Art. 30), whatever their
role; a theme that is not published is not found for anyone. A public theme route added without
a row here fails the completeness test (the case and window routes have their own matrices)."""

import pytest
from django.urls import get_resolver, reverse

from approvals.services.themes_catalogue import theme_version_publish
from tests.factories import OfficialFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_THEME_ROUTES = {"theme_list", "theme_guide"}
# Routes of the applicant's case and of the window, checked in their own matrices.
OTHER_THEME_PREFIXES = ("theme_case", "theme_intake")


def test_every_public_theme_route_is_in_the_matrix():
    names = {
        inner.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "approvals"
        for inner in pattern.url_patterns
        if (inner.name or "").startswith("theme_")
        and not inner.name.startswith(OTHER_THEME_PREFIXES)
    }

    assert names == PUBLIC_THEME_ROUTES


@pytest.fixture(params=["anonymous", "citizen", "official", "staff"])
def visitor(request, client, client_for, verified_client_factory):
    if request.param == "anonymous":
        return client
    if request.param == "citizen":
        return client_for(PersonFactory().user)
    # officials and staff have passed the second factor, as they must before any page
    user = OfficialFactory().user if request.param == "official" else UserFactory(is_staff=True)
    return verified_client_factory(user)


def test_everyone_reads_published_themes_and_nobody_finds_a_draft(
    visitor, make_theme, catalogue_admin
):
    published = theme_version_publish(actor=catalogue_admin, version=make_theme())
    draft = make_theme()

    assert visitor.get(reverse("approvals:theme_list")).status_code == 200
    assert (
        visitor.get(reverse("approvals:theme_guide", args=[published.item.code])).status_code == 200
    )
    assert visitor.get(reverse("approvals:theme_guide", args=[draft.item.code])).status_code == 404
    assert visitor.post(reverse("approvals:theme_list")).status_code == 405
