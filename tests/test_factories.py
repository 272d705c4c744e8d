"""The application factory's traits give the states the tests need, each with what that state
has in the real portal (dates, the licence in the register)."""

import pytest
from django.utils import timezone

from approvals.models import Licence
from tests.factories import ApplicationFactory
from tests.support import in_days

pytestmark = pytest.mark.django_db


def test_each_trait_gives_its_state_and_the_dates_of_the_states_before_it():
    today = timezone.localdate()

    submitted = ApplicationFactory(submitted=True)
    accepted = ApplicationFactory(accepted=True)
    under_review = ApplicationFactory(under_review=True)
    decided = ApplicationFactory(decided=True)
    licensed = ApplicationFactory(licensed=True)

    assert submitted.status == "submitted" and submitted.tracking_number
    assert (accepted.status, accepted.received_on, accepted.accepted_on) == (
        "accepted",
        in_days(-1),
        today,
    )
    assert under_review.status == "under_review" and under_review.accepted_on == today
    assert (decided.status, decided.decided_on) == ("approved", today)
    assert licensed.status == "licence_issued"
    licence = Licence.objects.get(application=licensed)
    assert (licence.valid_from, licence.holder_name) == (today, licensed.person.real_name)
    assert not Licence.objects.exclude(application=licensed).exists()


def test_dates_given_win_over_the_traits():
    application = ApplicationFactory(under_review=True, accepted_on=in_days(-3))

    assert application.accepted_on == in_days(-3)
