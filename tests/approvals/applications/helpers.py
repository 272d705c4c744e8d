"""Small steps the application tests share."""

from approvals import dynamic_forms
from approvals.services.applications import application_save_step, application_start
from approvals.services.attachments import attachment_upload
from tests.support import png_upload

STEP_ANSWERS = {
    "basic": {"shop_name": "老福州小吃", "category": "retail"},
    "premises": {"floor_area": "45"},
}


def save_step(*, actor, application, step_key: str, answers: dict):
    """Save a step as its page does: the answers go through the step's form first."""
    schema = application.service_version.form_schema
    form = dynamic_forms.build_step_form(
        schema,
        step_key,
        data=answers,
        initial=application.data,
        prefill=dynamic_forms.prefill_values(
            schema, user=actor, person=application.person, business=application.business
        ),
    )
    assert form.is_valid(), form.errors
    return application_save_step(
        actor=actor,
        application=application,
        step_key=step_key,
        values=form.cleaned_json(),
        revision=application.revision,
    )


def filled_draft(*, actor, version, business=None, attach=True):
    """A draft with every step saved and the required materials attached: ready to submit."""
    application = application_start(actor=actor, version=version, business=business)
    for step_key, answers in STEP_ANSWERS.items():
        application = save_step(
            actor=actor, application=application, step_key=step_key, answers=answers
        )
    if attach:
        for material in version.materials.filter(required=True):
            attachment_upload(
                actor=actor,
                application=application,
                material_key=material.key,
                uploaded_file=png_upload(),
            )
    application.refresh_from_db()
    return application
