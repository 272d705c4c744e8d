"""Reads of the public catalogue: only published versions, searched and filtered, in a constant
number of queries."""

import pytest
from django.http import Http404

from approvals.models import ServiceTopic, VersionStatus
from approvals.selectors.catalogue import (
    get_published_version,
    guide_departments,
    published_versions,
)
from tests.factories import (
    DepartmentFactory,
    MaterialFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """Three published services, a draft-only service and a retired version."""
    market = DepartmentFactory(code="market", name_en="Market Regulation")
    health = DepartmentFactory(code="health", name_en="Health Commission")
    fire = DepartmentFactory(code="fire", name_en="Fire and Rescue")
    food = ServiceVersionFactory(
        item=ServiceItemFactory(code="FOOD-LIC", department=market, topic=ServiceTopic.FOOD_HEALTH),
        name_en="Food business licence",
        name_zh="食品经营许可",
        for_persons=False,
        published=True,
    )
    shop = ServiceVersionFactory(
        item=ServiceItemFactory(code="IND-REG", department=market, topic=ServiceTopic.BUSINESS),
        name_en="Individual business registration",
        name_zh="个体工商户登记",
        for_businesses=False,
        published=True,
    )
    clinic = ServiceVersionFactory(
        item=ServiceItemFactory(code="MED-LIC", department=health, topic=ServiceTopic.FOOD_HEALTH),
        name_en="Medical institution practice licence",
        name_zh="医疗机构执业许可",
        published=True,
    )
    clinic.co_departments.add(fire)
    ServiceVersionFactory(
        item=ServiceItemFactory(code="DRAFT-ONLY", department=health),
        name_en="Unpublished licence",
    )
    retired = ServiceVersionFactory(item=food.item, name_en="Old food licence")
    retired.status = VersionStatus.RETIRED
    retired.save(update_fields=["status"])
    return {"food": food, "shop": shop, "clinic": clinic, "market": market, "fire": fire}


def codes(versions) -> list[str]:
    return [version.item.code for version in versions]


def test_only_published_versions_are_listed(catalogue):
    assert sorted(codes(published_versions())) == ["FOOD-LIC", "IND-REG", "MED-LIC"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("licence", ["FOOD-LIC", "MED-LIC"]),
        ("食品", ["FOOD-LIC"]),
        ("ind-reg", ["IND-REG"]),
        ("medical practice", ["MED-LIC"]),
        ("unpublished", []),
        ("  ", ["FOOD-LIC", "IND-REG", "MED-LIC"]),
    ],
)
def test_search_matches_code_and_both_names(catalogue, query, expected):
    assert sorted(codes(published_versions(query=query))) == expected


def test_filter_by_department_includes_co_handled_services(catalogue):
    assert sorted(codes(published_versions(department=catalogue["market"]))) == [
        "FOOD-LIC",
        "IND-REG",
    ]
    assert codes(published_versions(department="fire")) == ["MED-LIC"]


def test_filter_by_applicant_kind(catalogue):
    assert sorted(codes(published_versions(applicant_kind="person"))) == ["IND-REG", "MED-LIC"]
    assert sorted(codes(published_versions(applicant_kind="business"))) == [
        "FOOD-LIC",
        "MED-LIC",
    ]


def test_filter_by_topic(catalogue):
    assert sorted(codes(published_versions(topic=ServiceTopic.FOOD_HEALTH))) == [
        "FOOD-LIC",
        "MED-LIC",
    ]
    assert codes(published_versions(topic=ServiceTopic.BUSINESS)) == ["IND-REG"]


def test_filters_combine(catalogue):
    found = published_versions(query="licence", applicant_kind="person", department="health")
    assert codes(found) == ["MED-LIC"]


def test_listing_takes_the_same_few_queries_however_many_services(
    catalogue, django_assert_max_num_queries
):
    # given many more published services, each with materials and a co-handling department
    for index in range(15):
        version = ServiceVersionFactory(name_en=f"Extra {index}", published=False)
        MaterialFactory(version=version)
        version.co_departments.add(catalogue["fire"])
        version.status = VersionStatus.PUBLISHED
        version.save(update_fields=["status"])

    # when the catalogue is listed and every result's departments and materials are read
    with django_assert_max_num_queries(3):
        for version in published_versions():
            _ = version.item.department.name
            _ = [department.name for department in version.co_departments.all()]
            _ = [material.name for material in version.materials.all()]


def test_the_published_version_is_found_by_its_code(catalogue):
    assert get_published_version("FOOD-LIC") == catalogue["food"]


@pytest.mark.parametrize("code", ["DRAFT-ONLY", "NO-SUCH"])
def test_an_unpublished_or_unknown_code_is_not_found(catalogue, code):
    with pytest.raises(Http404):
        get_published_version(code)


def test_the_department_filter_offers_departments_with_published_services(catalogue):
    assert sorted(d.code for d in guide_departments()) == ["fire", "health", "market"]
