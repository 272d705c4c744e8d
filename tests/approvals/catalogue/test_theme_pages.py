"""The public 一件事 pages: the list of life events and each theme's one guide, open to anyone,
asking the guiding questions as a GET form and showing what applies, each material once, the
total time against one by one, the fees and the departments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services.themes_catalogue import theme_version_publish, theme_version_retire
from tests.factories import ServiceVersionFactory, ThemeMemberFactory

pytestmark = pytest.mark.django_db

LIST = reverse("approvals:theme_list")


def guide_url(version, query: str = "") -> str:
    url = reverse("approvals:theme_guide", args=[version.item.code])
    return f"{url}?{query}" if query else url


@pytest.fixture
def restaurant(make_theme, theme_services, catalogue_admin):
    """The two-service restaurant with a sign member that applies when the sign question is
    answered yes, published."""
    registration, food = theme_services
    sign = ServiceVersionFactory(
        published=True, name_en="Sign permit", name_zh="招牌许可", fee_amount="50.00"
    )
    version = make_theme(name_en="Open a small restaurant", name_zh="我要开小餐馆")
    ThemeMemberFactory(
        version=version,
        key="sign",
        position=2,
        service_item=sign.item,
        condition={"question": "sign", "equals": True},
    )
    type(registration).objects.filter(pk=registration.pk).update(
        name_en="Business registration", statutory_limit_days=3, promised_limit_days=1
    )
    type(food).objects.filter(pk=food.pk).update(
        name_en="Food licence", statutory_limit_days=20, promised_limit_days=10
    )
    return theme_version_publish(actor=catalogue_admin, version=version)


def test_the_list_shows_published_themes_to_anyone_and_searches_them(
    english_client, restaurant, make_theme
):
    make_theme(name_en="A draft theme")

    html = english_client.get(LIST).content.decode()
    found = english_client.get(LIST, {"q": "small restaurant"}).content.decode()
    missing = english_client.get(LIST, {"q": "bakery"}).content.decode()

    assert "Open a small restaurant" in html and "A draft theme" not in html
    assert guide_url(restaurant) in html
    assert "Open a small restaurant" in found
    assert "Open a small restaurant" not in missing and "No life event matches" in missing


def test_before_the_questions_the_guide_lists_every_service_with_when_it_applies(
    english_client, restaurant
):
    response = english_client.get(guide_url(restaurant))

    html = response.content.decode()
    assert response.status_code == 200
    assert "A sign?" in html  # the question, as a radio group
    assert 'type="radio"' in html and 'name="sign"' in html
    assert "Business registration" in html and "Food licence" in html
    assert "Depending on your answers" in html
    assert "Sign permit</a> — applies when “A sign?” is answered Yes" in html


def test_the_answers_pick_the_services_and_the_guide_sums_them(english_client, restaurant):
    yes = english_client.get(guide_url(restaurant, "sign=yes")).content.decode()
    no = english_client.get(guide_url(restaurant, "sign=no")).content.decode()

    # the sign applies only when answered yes
    assert "Not needed for your answers" in no and "Sign permit</a> — applies when" in no
    assert "Not needed for your answers" not in yes
    # the lease once, with the services that need it
    assert "Lease" in yes and "Needed by: Business registration; Food licence" in yes
    # the food licence waits for the registration and cites its licence
    assert "Starts after</dt><dd>Business registration" in yes
    assert "the licence issued under “Business registration” in this application is cited" in yes
    # the total: 3 + 20 working days together, against 3 + 20 + the sign's limit one by one
    assert "23 working days" in yes and "11 working days" in yes
    # the sign's fee is the only one
    assert "50.00 yuan in all" in yes and "Free of charge: none" in no


def test_the_guide_in_chinese(chinese_client, restaurant):
    html = chinese_client.get(guide_url(restaurant, "sign=yes")).content.decode()

    assert "我要开小餐馆" in html and "招牌？" in html


@pytest.mark.parametrize(
    "query",
    [
        "sign=maybe",
        "sign=<script>alert(1)</script>",
        "sign=yes&sign=no&unknown=1",
        "sign=" + "x" * 5000,
    ],
)
def test_hostile_answers_are_refused_beside_the_question(english_client, restaurant, query):
    response = english_client.get(guide_url(restaurant, query))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    if "maybe" in query or "script" in query:
        assert "Select a valid choice" in html


def test_a_number_question_is_compared_as_a_number(english_client, restaurant, catalogue_admin):
    from approvals.services.themes_catalogue import theme_version_draft

    draft = theme_version_draft(actor=catalogue_admin, item=restaurant.item)
    draft.questions = [
        *draft.questions,
        {"key": "seats", "kind": "number", "text_zh": "座位数", "text_en": "How many seats?"},
    ]
    draft.save()
    draft.members.filter(key="sign").update(condition={"question": "seats", "at_least": 50})
    version = theme_version_publish(actor=catalogue_admin, version=draft)

    many = english_client.get(guide_url(version, "sign=no&seats=80")).content.decode()
    few = english_client.get(guide_url(version, "sign=no&seats=12")).content.decode()
    wrong = english_client.get(guide_url(version, "sign=no&seats=-5")).content.decode()

    assert "Not needed for your answers" not in many
    assert "Not needed for your answers" in few
    assert "“How many seats?” is at least 50" in few
    assert "greater than or equal to 0" in wrong


@pytest.mark.parametrize("state", ["draft", "retired", "unknown"])
def test_a_theme_that_is_not_published_is_not_found(
    english_client, make_theme, catalogue_admin, state
):
    version = make_theme()
    if state == "retired":
        theme_version_publish(actor=catalogue_admin, version=version)
        theme_version_retire(actor=catalogue_admin, version=version)
    url = guide_url(version) if state != "unknown" else "/themes/NO-SUCH/"

    assert english_client.get(url).status_code == 404


def test_the_guide_reads_in_constant_queries_whatever_the_number_of_members(
    english_client, restaurant, catalogue_admin
):
    from approvals.services.themes_catalogue import theme_version_draft

    english_client.get(guide_url(restaurant, "sign=yes"))  # warm the caches
    with CaptureQueriesContext(connection) as few:
        english_client.get(guide_url(restaurant, "sign=yes"))
    draft = theme_version_draft(actor=catalogue_admin, item=restaurant.item)
    for n in range(4):
        extra = ServiceVersionFactory(published=True, materials=[{"key": f"m{n}"}])
        ThemeMemberFactory(
            version=draft, key=f"extra-{n}", position=10 + n, service_item=extra.item
        )
    bigger = theme_version_publish(actor=catalogue_admin, version=draft)
    with CaptureQueriesContext(connection) as many:
        html = english_client.get(guide_url(bigger, "sign=yes")).content.decode()

    assert html.count('class="theme-member"') == 7
    assert len(many) == len(few)


def test_the_home_page_and_the_catalogue_search_lead_to_the_themes(english_client, restaurant):
    home = english_client.get("/").content.decode()
    search = english_client.get(
        reverse("approvals:guide_list"), {"q": "small restaurant"}
    ).content.decode()

    assert "Services by life event" in home and guide_url(restaurant) in home
    assert "Apply for it as one" in search and guide_url(restaurant) in search
