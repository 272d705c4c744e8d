"""A supplement asked for during review is a status of its own; the data migration moves the
applications that were waiting for one under the old flag."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from approvals.models import Application, SupplementRequest
from tests.factories import ApplicationFactory, UserFactory

migration = importlib.import_module("approvals.migrations.0025_review_supplement_status")


def _waiting(*, during_review: bool, answered: bool = False) -> Application:
    application = ApplicationFactory(submitted=True, status="supplement_requested")
    SupplementRequest.objects.create(
        application=application,
        items=[{"material": "lease", "problem": "unsigned"}],
        reply_by=dt.date(2025, 3, 11),
        during_review=during_review,
        requested_by=UserFactory(),
        answered_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC) if answered else None,
    )
    return application


@pytest.mark.django_db
def test_the_migration_moves_applications_waiting_for_a_reviewers_supplement_and_back():
    in_review = _waiting(during_review=True)
    at_window = _waiting(during_review=False)
    # an old review notice already answered, the application asked again at the window since
    again_at_window = _waiting(during_review=True, answered=True)
    SupplementRequest.objects.create(
        application=again_at_window,
        reply_by=dt.date(2025, 3, 20),
        requested_by=UserFactory(),
    )

    migration.forwards(apps, None)

    def statuses():
        return [
            Application.objects.get(pk=a.pk).status for a in (in_review, at_window, again_at_window)
        ]

    assert statuses() == ["review_supplement", "supplement_requested", "supplement_requested"]
    migration.backwards(apps, None)
    assert statuses() == ["supplement_requested"] * 3
