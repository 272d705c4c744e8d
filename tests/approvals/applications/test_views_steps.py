"""The step pages, the materials step, the review and submit pages."""

import re

import pytest
from django.urls import reverse

from approvals.models import Application, ApplicationStatus, Attachment
from approvals.services.applications import application_start
from tests.approvals.applications.helpers import filled_draft, save_step
from tests.approvals.applications.pages import body, idempotency_key_of, main_part, revision_of
from tests.support import png_upload

pytestmark = pytest.mark.django_db


def step_url(application, key):
    return reverse("approvals:application_step", args=[application.pk, key])


@pytest.fixture
def draft(citizen, version):
    return application_start(actor=citizen, version=version)


@pytest.mark.parametrize(
    ("language", "html_lang", "titles"),
    [
        ("en", "en", {"basic": "About the business", "premises": "Premises"}),
        ("zh-hans", "zh-CN", {"basic": "经营者信息", "premises": "经营场所"}),
    ],
)
def test_every_step_renders_in_both_languages(
    citizen, version, client_for, language, html_lang, titles
):
    application = filled_draft(actor=citizen, version=version)
    browser = client_for(citizen, language)

    for key, title in titles.items():
        page = browser.get(step_url(application, key))
        assert page.status_code == 200
        assert f'<html lang="{html_lang}">' in body(page)
        assert f"<h1>{title}</h1>" in body(page)
    materials = browser.get(step_url(application, "materials"))
    review = browser.get(reverse("approvals:application_review", args=[application.pk]))

    assert materials.status_code == review.status_code == 200
    assert ("平面图" if language == "zh-hans" else "Floor plan") in body(materials)
    assert titles["basic"] in body(review) and titles["premises"] in body(review)


def test_the_progress_indicator_names_the_current_step(draft, citizen, client_for):
    page = client_for(citizen).get(step_url(draft, "basic"))

    progress = re.search(r'<nav class="progress".*?</nav>', body(page), re.S).group(0)
    assert "Step 1 of 4" in progress
    current = re.findall(r'<li[^>]*aria-current="step"[^>]*>\s*<span>([^<]+)', progress)
    assert current == ["About the business"]
    assert "<ol" in progress


def test_the_id_number_is_shown_masked_and_cannot_be_edited(draft, citizen, client_for):
    page = client_for(citizen).get(step_url(draft, "basic"))

    id_number = citizen.person.id_number
    assert id_number not in body(page)
    assert citizen.person.masked_id_number in body(page)
    assert 'name="id_number"' not in body(page)


def test_bad_input_is_explained_and_kept_and_the_rest_is_saved(draft, citizen, client_for):
    browser = client_for(citizen)
    page = browser.get(step_url(draft, "premises"))

    response = browser.post(
        step_url(draft, "premises"),
        {
            "revision": revision_of(page),
            "floor_area": "abc",
            "notes": "Corner shop",
            "action": "continue",
        },
    )

    assert response.status_code == 200
    assert 'value="abc"' in body(response)
    assert re.search(r'class="error-message" id="id_floor_area-error-1">[^<]+', body(response))
    assert 'class="error-summary"' in body(response)
    stored = Application.objects.get(pk=draft.pk)
    assert stored.data["notes"] == "Corner shop"  # autosaved
    assert "floor_area" not in stored.data
    assert stored.current_step == 0  # the step is not done
    assert revision_of(response) == str(stored.revision)  # the next save is not stale


def test_save_and_leave_keeps_the_draft_for_later(draft, citizen, client_for):
    browser = client_for(citizen)
    page = browser.get(step_url(draft, "basic"))

    response = browser.post(
        step_url(draft, "basic"),
        {"revision": revision_of(page), "shop_name": "老福州小吃", "action": "leave"},
    )

    assert response.url == reverse("approvals:dashboard")
    assert Application.objects.get(pk=draft.pk).data["shop_name"] == "老福州小吃"
    dashboard = browser.get(response.url)
    assert "老福州小吃" not in main_part(dashboard)  # the list shows the service, not answers
    assert "Step 1 of 4" in main_part(dashboard)


def test_back_saves_and_goes_to_the_previous_step(draft, citizen, client_for):
    draft = save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        answers={"shop_name": "A", "category": "retail"},
    )
    browser = client_for(citizen)
    page = browser.get(step_url(draft, "premises"))

    response = browser.post(
        step_url(draft, "premises"),
        {"revision": revision_of(page), "floor_area": "30", "action": "back"},
    )

    assert response.url == step_url(draft, "basic")
    assert Application.objects.get(pk=draft.pk).data["floor_area"] == 30


def test_a_form_from_another_device_that_saved_meanwhile_shows_the_latest_version(
    draft, citizen, client_for
):
    laptop, phone = client_for(citizen), client_for(citizen)
    laptop_page = laptop.get(step_url(draft, "basic"))
    phone_page = phone.get(step_url(draft, "basic"))
    phone.post(
        step_url(draft, "basic"),
        {"revision": revision_of(phone_page), "shop_name": "From the phone", "category": "retail"},
    )

    response = laptop.post(
        step_url(draft, "basic"),
        {
            "revision": revision_of(laptop_page),
            "shop_name": "From the laptop",
            "category": "retail",
        },
    )

    assert response.status_code == 409
    assert "changed in another window or on another device" in body(response)
    assert 'value="From the phone"' in body(response)
    assert Application.objects.get(pk=draft.pk).data["shop_name"] == "From the phone"
    saved_again = laptop.post(
        step_url(draft, "basic"),
        {"revision": revision_of(response), "shop_name": "From the laptop", "category": "retail"},
    )
    assert saved_again.status_code == 302
    assert Application.objects.get(pk=draft.pk).data["shop_name"] == "From the laptop"


def test_an_unknown_step_is_not_found(draft, citizen, client_for):
    assert client_for(citizen).get(step_url(draft, "nope")).status_code == 404


def test_a_file_of_the_wrong_type_is_refused_beside_its_slot(draft, citizen, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = client_for(citizen)
    fake = SimpleUploadedFile(
        "plan.pdf", b"just some text, not a PDF", content_type="application/pdf"
    )

    response = browser.post(
        reverse("approvals:application_material_upload", args=[draft.pk, "floor-plan"]),
        {"file": fake},
    )

    assert response.status_code == 400
    slot = re.search(
        r'<section class="material-slot[^"]*" id="material-floor-plan".*?</section>',
        body(response),
        re.S,
    ).group(0)
    assert 'class="error-message"' in slot
    assert 'aria-invalid="true"' in slot
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_asks_for_one(draft, citizen, client_for):
    response = client_for(citizen).post(
        reverse("approvals:application_material_upload", args=[draft.pk, "floor-plan"])
    )

    assert response.status_code == 400
    assert "Choose a file to upload." in body(response)


def test_an_attached_file_can_be_removed(draft, citizen, client_for):
    browser = client_for(citizen)
    browser.post(
        reverse("approvals:application_material_upload", args=[draft.pk, "floor-plan"]),
        {"file": png_upload("plan.png")},
    )
    attachment = Attachment.objects.get()
    page = browser.get(step_url(draft, "materials"))
    assert "plan.png" in body(page)

    response = browser.post(
        reverse("approvals:application_attachment_remove", args=[draft.pk, attachment.pk])
    )

    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_the_review_lists_answers_with_change_links_and_a_one_time_submit(
    citizen, version, client_for
):
    application = filled_draft(actor=citizen, version=version)

    page = client_for(citizen).get(reverse("approvals:application_review", args=[application.pk]))

    html = body(page)
    assert "老福州小吃" in html and "Food retail" in html and "45" in html
    assert html.count(">Change<") == 3  # two steps and the materials
    assert f'href="{step_url(application, "basic")}"' in html
    assert re.fullmatch(r"[0-9a-f]{32}", idempotency_key_of(page))
    assert re.search(r"<button[^>]*data-once[^>]*>", html)
    assert "js/submit-once.js" in html
    assert 'name="declaration"' in html


def test_submitting_without_the_declaration_changes_nothing(citizen, version, client_for):
    application = filled_draft(actor=citizen, version=version)
    browser = client_for(citizen)
    key = idempotency_key_of(
        browser.get(reverse("approvals:application_review", args=[application.pk]))
    )

    response = browser.post(
        reverse("approvals:application_submit", args=[application.pk]), {"idempotency_key": key}
    )

    assert response.status_code == 400
    assert "Tick the declaration" in body(response)
    assert f'value="{key}"' in body(response)  # the same key, for the next try
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT


def test_an_incomplete_application_lists_what_is_missing_with_links(draft, citizen, client_for):
    browser = client_for(citizen)
    key = idempotency_key_of(browser.get(reverse("approvals:application_review", args=[draft.pk])))

    response = browser.post(
        reverse("approvals:application_submit", args=[draft.pk]),
        {"idempotency_key": key, "declaration": "on"},
    )

    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', body(response), re.S).group(0)
    assert f'href="{step_url(draft, "basic")}">Shop name:' in summary
    assert f'href="{step_url(draft, "premises")}">Floor area' in summary
    assert "Attach Floor plan" in summary
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_a_double_submitted_form_shows_the_same_receipt(citizen, version, client_for):
    application = filled_draft(actor=citizen, version=version)
    browser = client_for(citizen)
    key = idempotency_key_of(
        browser.get(reverse("approvals:application_review", args=[application.pk]))
    )
    submit = reverse("approvals:application_submit", args=[application.pk])

    first = browser.post(submit, {"idempotency_key": key, "declaration": "on"})
    second = browser.post(submit, {"idempotency_key": key, "declaration": "on"})

    assert (
        first.url == second.url == reverse("approvals:application_receipt", args=[application.pk])
    )
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1
    receipt = browser.get(first.url)
    assert re.search(r'class="query-code">\d{6}<', body(receipt))


def test_a_submitted_application_no_longer_opens_its_steps(citizen, version, client_for):
    from approvals.services.applications import application_submit

    application = application_submit(
        actor=citizen, application=filled_draft(actor=citizen, version=version), idempotency_key="k"
    )
    browser = client_for(citizen)

    for url in (
        step_url(application, "basic"),
        step_url(application, "materials"),
        reverse("approvals:application_review", args=[application.pk]),
    ):
        response = browser.get(url)
        assert response.url == reverse("approvals:application_detail", args=[application.pk])
