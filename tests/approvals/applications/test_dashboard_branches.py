"""The applicant's list, read by branches, holds exactly the applications the rule allows, in the
order it always had (newest activity first), whatever mix of memberships the user has."""

import datetime as dt
import random

import pytest
from django.db.models import Q
from django.utils import timezone

from accounts.models import MembershipStatus
from approvals.models import Application
from approvals.selectors.applications import applications_for_applicant
from tests.factories import (
    ApplicationFactory,
    BusinessFactory,
    MembershipFactory,
    PersonFactory,
    ServiceVersionFactory,
)

pytestmark = pytest.mark.django_db


def old_rule(user):
    """The rule as one ``OR``, as it was written before the branches."""
    from accounts.models import BusinessMembership, MembershipRole

    active = BusinessMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    sees_all = active.filter(Q(role=MembershipRole.ADMIN) | Q(sees_all_applications=True))
    filed = Q(created_by=user) & (
        Q(business__isnull=True)
        | Q(filed_at_counter=True)
        | Q(business_id__in=active.values("business_id"))
    )
    rule = filed | Q(person__user=user) | Q(business_id__in=sees_all.values("business_id"))
    return list(
        Application.objects.filter(rule).order_by("-updated_at", "-pk").values_list("pk", flat=True)
    )


@pytest.fixture
def world():
    """Six people, four businesses, memberships of every kind, and 150 applications filed by
    anyone for anyone (a fixed seed), with scattered activity times."""
    rng = random.Random(5)
    people = [PersonFactory().user for _ in range(6)]
    businesses = [BusinessFactory() for _ in range(4)]
    for user in people:
        for business in rng.sample(businesses, 2):
            MembershipFactory(
                user=user,
                business=business,
                role=rng.choice(["admin", "agent"]),
                sees_all_applications=rng.random() < 0.4,
                status=rng.choice(["active", "active", "removed", "invited"]),
            )
    version = ServiceVersionFactory(published=True)
    now = timezone.now()
    for _ in range(150):
        filer = rng.choice(people)
        as_business = rng.random() < 0.5
        application = ApplicationFactory(
            service_version=version,
            created_by=filer,
            person=rng.choice(people).person,
            applicant_kind="business" if as_business else "person",
            business=rng.choice(businesses) if as_business else None,
            filed_at_counter=rng.random() < 0.1,
        )
        Application.objects.filter(pk=application.pk).update(
            updated_at=now - dt.timedelta(minutes=rng.randint(0, 50))  # ties on purpose
        )
    return people


def test_each_user_sees_what_the_rule_allows_in_the_same_order(world):
    for user in world:
        expected = old_rule(user)

        rows = applications_for_applicant(user)

        assert rows.count() == len(expected)
        assert [a.pk for a in rows[0 : len(expected) + 3]] == expected
        assert [a.pk for a in rows[5:12]] == expected[5:12]


def test_narrowed_to_one_business_or_to_the_person(world):
    user = world[0]
    business_ids = set(
        Application.objects.exclude(business=None).values_list("business_id", flat=True)
    )
    for business_id in business_ids:
        expected = [
            pk
            for pk in old_rule(user)
            if Application.objects.filter(pk=pk, business_id=business_id).exists()
        ]
        from accounts.models import Business

        rows = applications_for_applicant(user, business=Business.objects.get(pk=business_id))
        assert [a.pk for a in rows[0:500]] == expected
    person_only = [
        pk for pk in old_rule(user) if Application.objects.get(pk=pk).business_id is None
    ]
    assert [a.pk for a in applications_for_applicant(user, person_only=True)[0:500]] == person_only
