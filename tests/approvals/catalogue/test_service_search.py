"""Finding a service (issue 18): ranked search by Chinese words, pinyin, initials and English,
with misspellings tolerated; the browse paths; the most used services; constant query cost."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.domain.service_search import SearchIndex, search_document
from approvals.models import ServiceItem, ServiceSearchDocument, VersionStatus
from approvals.selectors.service_search import most_used_services, search_services
from approvals.services.catalogue import (
    service_version_draft,
    service_version_publish,
    service_version_retire,
)
from approvals.services.catalogue_io import export_service, import_service
from approvals.services.supervision_rollup import statistics_rollup
from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    """The demo city's eleven published services."""
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()


def codes(versions) -> list[str]:
    return [version.item.code for version in versions]


def text_of(response) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- Finding the food business licence in every way a citizen types ------------------------------


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("开饭店", "开饭店"),  # a keyword of the guide, what people say
        ("我想开一家饭店", "饭店"),  # a sentence: the words the catalogue knows are picked out
        ("餐馆", "餐馆"),  # a synonym
        ("食品", "食品"),  # a word of the name
        ("spjy", "食品经营许可"),  # the initials of the name, typed partly
        ("spjyxk", "食品经营许可"),
        ("shipin", "食品"),  # pinyin of one word
        ("shipinjingying", "食品经营许可"),  # pinyin of the name, typed partly
        ("kaifandian", "开饭店"),  # pinyin of a keyword
        ("food", "food"),  # English
        ("Restaurant", "restaurant"),  # an English synonym, any case
        ("FOOD-LIC", "FOOD-LIC"),  # the item code
    ],
)
def test_the_food_licence_is_the_best_match(catalogue, query, shown):
    results = search_services(query=query)

    assert codes(results)[0] == "FOOD-LIC"
    assert shown in results[0].matched_words


@pytest.mark.parametrize(
    "query",
    ["resturant", "restaurnt", "shpin", "spjx", "catring", "fodo shop", "食品经应"],
    ids=["missing-a", "missing-a2", "pinyin", "initials", "missing-e", "swap", "homophone"],
)
def test_misspellings_are_tolerated(catalogue, query):
    assert codes(search_services(query=query))[0] == "FOOD-LIC"


def test_a_short_word_is_not_guessed_at_and_nonsense_finds_nothing(catalogue):
    assert search_services(query="zzzzqqq") == []
    assert search_services(query="的") == []
    assert search_services(query="   ") == []


def test_a_name_counts_more_than_a_keyword():
    index = SearchIndex(
        {
            1: search_document(
                code="A",
                name_zh="消防安全检查",
                name_en="Fire check",
                keywords_zh="",
                keywords_en="",
            ),
            2: search_document(
                code="B", name_zh="食品经营许可", name_en="Food", keywords_zh="消防", keywords_en=""
            ),
        }
    )

    hits = index.search("消防")

    assert [hit.version_id for hit in hits] == [1, 2]
    assert hits[0].score > hits[1].score


def test_a_whole_keyword_beats_a_word_of_it(catalogue):
    # "开饭店" is a keyword of the food licence; other services only share a word of it
    results = search_services(query="开饭店")

    assert codes(results)[0] == "FOOD-LIC"
    assert all(result.search_score < results[0].search_score for result in results[1:])


def test_search_combines_with_the_filters(catalogue):
    # the food licence is for businesses only
    assert "FOOD-LIC" not in codes(search_services(query="food", applicant_kind="person"))
    assert codes(search_services(query="food", applicant_kind="business"))[0] == "FOOD-LIC"
    assert codes(search_services(query="food", department="fz-health")) == []


# --- The index follows the catalogue -------------------------------------------------------------


def test_a_newly_published_service_is_found_and_a_retired_one_is_not(catalogue):
    item = ServiceItem.objects.get(code="FOOD-LIC")
    published = item.versions.get(status=VersionStatus.PUBLISHED)
    assert codes(search_services(query="kfd")) == ["FOOD-LIC"]  # the index is built now

    draft = service_version_draft(actor=None, item=item)
    draft.search_keywords_zh = "夜市摊位"
    draft.save()
    service_version_publish(actor=None, version=draft)

    assert codes(search_services(query="夜市")) == ["FOOD-LIC"]
    assert not ServiceSearchDocument.objects.filter(version=published).exists()
    assert "FOOD-LIC" not in codes(search_services(query="kfd"))  # the old keyword is gone

    service_version_retire(actor=None, version=draft)

    assert search_services(query="夜市") == []


def test_keywords_are_copied_to_a_new_draft_and_travel_with_an_export(catalogue):
    item = ServiceItem.objects.get(code="FOOD-LIC")
    draft = service_version_draft(actor=None, item=item)
    assert "开饭店" in draft.search_keywords_zh
    assert "restaurant" in draft.search_keywords_en

    exported = export_service(item)
    assert all("开饭店" in v["search_keywords_zh"] for v in exported["versions"])
    exported["versions"][-1]["search_keywords_en"] = "diner"
    imported = import_service(exported, actor=None)

    newest = imported.versions.order_by("-number").first()
    assert newest.status == VersionStatus.DRAFT
    assert newest.search_keywords_en == "diner"
    assert "开饭店" in newest.search_keywords_zh


def test_an_import_with_keywords_that_are_not_text_is_refused(catalogue):
    exported = export_service(ServiceItem.objects.get(code="FOOD-LIC"))
    exported["versions"][-1]["search_keywords_zh"] = ["开饭店"]

    with pytest.raises(Exception, match="search_keywords_zh"):
        import_service(exported, actor=None)


# --- The pages -----------------------------------------------------------------------------------


def test_the_catalogue_ranks_results_and_marks_the_matching_words(chinese_client, catalogue):
    response = chinese_client.get(reverse("approvals:guide_list"), {"q": "spjy"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>食品经营许可</mark>" in body
    assert re.findall(r'<h3><a href="/services/([A-Z-]+)/">', body)[0] == "FOOD-LIC"
    assert "匹配词：" in text_of(response)


def test_hostile_input_is_escaped(client, catalogue):
    response = client.get(reverse("approvals:guide_list"), {"q": "<script>alert(1)</script> food"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_the_home_page_offers_search_and_the_browse_paths(chinese_client, catalogue):
    response = chinese_client.get("/")

    body = response.content.decode()
    page = text_of(response)
    assert response.status_code == 200
    assert 'role="search"' in body and 'name="q"' in body and 'method="get"' in body
    assert "个人办事" in page and "法人办事" in page
    assert "?applicant=person" in body and "?applicant=business" in body
    assert "?department=fz-market" in body
    assert "暂无申请" in page  # nothing applied for yet: no made-up "most used" list


def test_the_browse_by_applicant_link_lists_only_their_services(english_client, catalogue):
    url = reverse("approvals:guide_list")
    persons = text_of(english_client.get(url, {"applicant": "person"}))
    businesses = text_of(english_client.get(url, {"applicant": "business"}))

    assert "Food business licence" not in persons
    assert "Individual business registration" in persons
    assert "Food business licence" in businesses


# --- The most used services ----------------------------------------------------------------------


def _received(code: str, day: dt.date, count: int) -> None:
    version = ServiceItem.objects.get(code=code).versions.get(status=VersionStatus.PUBLISHED)
    for _n in range(count):
        ApplicationFactory(service_version=version, submitted=True, received_on=day)


def test_the_most_used_services_are_counted_from_submissions(catalogue, english_client):
    today = timezone.localdate()
    _received("FOOD-LIC", today - dt.timedelta(days=3), 3)
    _received("ENT-REG", today - dt.timedelta(days=10), 2)
    _received("ENT-REG", today, 2)  # today's count live, before any roll-up
    _received("TRAVEL-LIC", today - dt.timedelta(days=200), 9)  # too long ago
    statistics_rollup(today=today)

    most_used = most_used_services()

    assert [(v.item.code, v.uses) for v in most_used] == [("ENT-REG", 4), ("FOOD-LIC", 3)]
    page = text_of(english_client.get("/"))
    assert page.index("Company establishment registration") < page.index("Food business licence")
    assert "4 applications in the last 90 days" in page


def test_a_service_no_longer_published_is_not_among_the_most_used(catalogue):
    today = timezone.localdate()
    _received("FOOD-LIC", today, 2)
    food = ServiceItem.objects.get(code="FOOD-LIC").versions.get(status=VersionStatus.PUBLISHED)
    service_version_retire(actor=None, version=food)

    assert most_used_services() == []


# --- Cost ----------------------------------------------------------------------------------------


def _add_services(count: int) -> None:
    department = DepartmentFactory()
    for n in range(count):
        ServiceVersionFactory(
            item=ServiceItemFactory(department=department),
            name_zh=f"餐饮服务许可{n}",
            name_en=f"Catering permit {n}",
            published=True,
        )


def _queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_a_search_costs_the_same_queries_whatever_the_catalogue_size(client, catalogue):
    def search():
        response = client.get(reverse("approvals:guide_list"), {"q": "canyin"})
        assert response.status_code == 200

    def home():
        assert client.get("/").status_code == 200

    search()  # the index is built once
    small_search, small_home = _queries(search), _queries(home)
    _add_services(40)
    cold = _queries(search)  # the catalogue changed: the index is rebuilt, in one query more
    large_search, large_home = _queries(search), _queries(home)

    assert large_search == small_search
    assert cold == small_search + 1
    assert large_home == small_home
    assert len(search_services(query="canyin")) >= 40


def test_a_search_segments_no_guide(catalogue, monkeypatch):
    # the words were segmented when the catalogue was published; searching needs no jieba
    def no_segmenting():
        raise AssertionError("a search loaded the segmenter")

    monkeypatch.setattr("approvals.domain.service_search._jieba", no_segmenting)

    for query in ("开饭店", "我想开一家饭店", "spjy", "food", "食品经应"):
        assert codes(search_services(query=query))[0] == "FOOD-LIC"
