"""Saving a step of a draft: answers merged, progress and revision moved on, stale forms refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import Application
from approvals.services.applications import (
    StaleApplication,
    application_save_step,
    application_start,
)
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(citizen, version):
    return application_start(actor=citizen, version=version)


def test_saving_a_step_merges_its_answers_and_moves_on(citizen, draft):
    rendered_revision = draft.revision

    saved = application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"applicant_name": "王芳", "shop_name": "老福州小吃", "category": "retail"},
        revision=draft.revision,
    )

    stored = Application.objects.get(pk=draft.pk)
    assert stored.data["shop_name"] == "老福州小吃"
    assert stored.data["category"] == "retail"
    assert "id_number" not in stored.data  # the step's answers are replaced as a whole
    assert stored.revision == rendered_revision + 1 == saved.revision
    assert stored.current_step == 1
    [event] = events("application.step_saved", draft)
    assert event.changes["step"] == [None, "basic"]
    assert event.changes["revision"] == [1, 2]
    # Names of the changed answers, never their values.
    assert event.changes["fields"] == [None, ["category", "id_number", "shop_name"]]
    assert "老福州小吃" not in str(event.changes)


def test_answers_of_other_steps_are_kept(citizen, draft):
    prefilled_id_number = draft.data["id_number"]

    application_save_step(
        actor=citizen,
        application=draft,
        step_key="premises",
        values={"floor_area": 45},
        revision=draft.revision,
    )

    stored = Application.objects.get(pk=draft.pk)
    assert stored.data["floor_area"] == 45
    assert stored.data["applicant_name"] == "王芳"
    assert stored.data["id_number"] == prefilled_id_number


def test_an_answer_the_step_no_longer_has_is_dropped(citizen, draft):
    draft = application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "A", "category": "catering", "seats": 12},
        revision=draft.revision,
    )

    application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "A", "category": "retail"},
        revision=draft.revision,
    )

    assert "seats" not in Application.objects.get(pk=draft.pk).data


def test_values_for_fields_of_other_steps_are_ignored(citizen, draft):
    application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "A", "floor_area": 99, "injected": "x"},
        revision=draft.revision,
    )

    data = Application.objects.get(pk=draft.pk).data
    assert "floor_area" not in data
    assert "injected" not in data


def test_going_back_to_an_earlier_step_keeps_the_progress(citizen, draft):
    draft = application_save_step(
        actor=citizen, application=draft, step_key="basic", values={}, revision=draft.revision
    )
    draft = application_save_step(
        actor=citizen, application=draft, step_key="premises", values={}, revision=draft.revision
    )

    draft = application_save_step(
        actor=citizen, application=draft, step_key="basic", values={}, revision=draft.revision
    )

    assert draft.current_step == 2


def test_a_step_saved_with_errors_keeps_the_answers_but_not_the_progress(citizen, draft):
    saved = application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "A"},
        revision=draft.revision,
        step_complete=False,
    )

    assert saved.data["shop_name"] == "A"
    assert saved.current_step == 0


def test_a_form_rendered_before_another_save_is_refused_with_the_newer_version(citizen, draft):
    rendered_revision = draft.revision
    application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "From the phone"},
        revision=rendered_revision,
    )

    with pytest.raises(StaleApplication) as raised:
        application_save_step(
            actor=citizen,
            application=draft,
            step_key="basic",
            values={"shop_name": "From the laptop"},
            revision=rendered_revision,
        )

    assert raised.value.application.data["shop_name"] == "From the phone"
    stored = Application.objects.get(pk=draft.pk)
    assert stored.data["shop_name"] == "From the phone"
    assert stored.revision == rendered_revision + 1
    assert len(events("application.step_saved", draft)) == 1


def test_a_stranger_cannot_save_someone_elses_draft(stranger, draft):
    with pytest.raises(PermissionDenied):
        application_save_step(
            actor=stranger,
            application=draft,
            step_key="basic",
            values={"shop_name": "Hijacked"},
            revision=draft.revision,
        )

    assert "shop_name" not in Application.objects.get(pk=draft.pk).data


def test_an_unknown_step_is_refused(citizen, draft):
    with pytest.raises(ValidationError):
        application_save_step(
            actor=citizen, application=draft, step_key="nope", values={}, revision=1
        )


def test_a_submitted_application_cannot_be_changed(citizen, version):
    from approvals.services.applications import application_submit
    from tests.approvals.applications.helpers import filled_draft

    application = application_submit(
        actor=citizen, application=filled_draft(actor=citizen, version=version), idempotency_key="k"
    )

    with pytest.raises(ValidationError):
        application_save_step(
            actor=citizen,
            application=application,
            step_key="basic",
            values={"shop_name": "Changed"},
            revision=application.revision,
        )
