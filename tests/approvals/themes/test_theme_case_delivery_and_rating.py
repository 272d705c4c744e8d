"""一窗出件 and 一键评价: the certificates of a case handed over as one set (together only once
every member is decided), and one rating reaching each department that decided a member."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from approvals.models import (
    Application,
    ApplicationStatus,
    RectificationTask,
    ServiceRating,
    ThemeCase,
)
from approvals.services.theme_case_outcome import theme_case_deliver, theme_case_rate
from approvals.services.theme_case_submission import theme_case_submit
from tests.approvals.themes.helpers import decide_member, filled_case
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(citizen, restaurant):
    return theme_case_submit(
        actor=citizen,
        case=filled_case(actor=citizen, version=restaurant, sign=False),
        idempotency_key="k",
    )


def _members(case):
    return {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}


def test_together_the_set_is_handed_over_only_once_every_member_is_decided(citizen, submitted):
    members = _members(submitted)
    decide_member(members["registration"])

    with pytest.raises(ValidationError):
        theme_case_deliver(actor=citizen, case=submitted)

    decide_member(members["food"])
    documents = theme_case_deliver(actor=citizen, case=submitted)

    assert {d.application.theme_member_key for d in documents} == {"registration", "food"}
    [event] = events("theme_case.certificates_delivered", submitted)
    assert len(event.changes["documents"][1]) == 2
    assert events("document.downloaded").count() == 2


def test_each_when_ready_hands_over_what_is_decided(citizen, submitted):
    ThemeCase.objects.filter(pk=submitted.pk).update(delivery="each")
    submitted.refresh_from_db()
    decide_member(_members(submitted)["registration"])

    documents = theme_case_deliver(actor=citizen, case=submitted)

    assert [d.application.theme_member_key for d in documents] == ["registration"]


def test_the_set_downloads_as_one_zip(citizen, submitted, client_for):
    members = _members(submitted)
    for member in members.values():
        decide_member(member)

    response = client_for(citizen).get(
        reverse("approvals:theme_case_certificates", args=[submitted.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(names) == sorted(f"DEC-{m.pk:05d}.pdf" for m in members.values())


def test_a_stranger_cannot_take_the_set(submitted, stranger, client_for):
    for member in _members(submitted).values():
        decide_member(member)

    response = client_for(stranger).get(
        reverse("approvals:theme_case_certificates", args=[submitted.pk])
    )

    assert response.status_code == 404


def test_one_rating_reaches_each_department_and_a_bad_grade_opens_each_rectification(
    citizen, submitted
):
    members = _members(submitted)
    decide_member(members["registration"])
    decide_member(members["food"], ApplicationStatus.DENIED)

    ratings = theme_case_rate(actor=citizen, case=submitted, grade=2, comment="slow")

    assert len(ratings) == 2
    assert {r.department_id for r in ratings} == {
        m.service_version.item.department_id for m in members.values()
    }
    assert RectificationTask.objects.filter(rating__in=ratings).count() == 2
    assert ThemeCase.objects.get(pk=submitted.pk).rated_at is not None
    [event] = events("theme_case.rated", submitted)
    assert event.changes["grade"] == [None, 2]
    with pytest.raises(ValidationError):
        theme_case_rate(actor=citizen, case=submitted, grade=5)
    assert ServiceRating.objects.count() == 2


def test_the_case_cannot_be_rated_while_a_member_is_open(citizen, submitted):
    decide_member(_members(submitted)["registration"])

    with pytest.raises(ValidationError):
        theme_case_rate(actor=citizen, case=submitted, grade=5)

    assert not ServiceRating.objects.exists()


def test_the_rating_page_rates_once(citizen, submitted, client_for):
    for member in _members(submitted).values():
        decide_member(member)
    browser = client_for(citizen)

    response = browser.post(
        reverse("approvals:theme_case_rate", args=[submitted.pk]), {"grade": "5", "comment": ""}
    )

    assert response.status_code == 302
    assert ServiceRating.objects.filter(application__theme_case=submitted).count() == 2
    page = browser.get(reverse("approvals:theme_case_detail", args=[submitted.pk]))
    assert 'data-testid="rated"' in page.content.decode()
