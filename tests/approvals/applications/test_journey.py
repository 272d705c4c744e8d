"""A citizen applies from start to receipt through the pages, leaving and resuming on another
device on the way."""

import re

import pytest
from django.urls import reverse

from approvals.models import Application, ApplicationStatus
from tests.approvals.applications.pages import body, idempotency_key_of, revision_of
from tests.support import png_upload

pytestmark = pytest.mark.django_db


def test_a_citizen_applies_leaves_resumes_elsewhere_and_submits_once(
    citizen, version, clerk, client_for, django_capture_on_commit_callbacks
):
    laptop, phone = client_for(citizen), client_for(citizen)

    start_page = laptop.get(reverse("approvals:application_start", args=["SPJY"]))
    assert start_page.status_code == 200
    started = laptop.post(
        reverse("approvals:application_start", args=["SPJY"]), {"applicant": "person"}
    )
    application = Application.objects.get()
    basic_url = reverse("approvals:application_step", args=[application.pk, "basic"])
    assert started.url == basic_url

    step1 = laptop.get(basic_url)
    assert 'aria-current="step"' in body(step1)
    assert "Step 1 of 4" in body(step1)
    left = laptop.post(
        basic_url,
        {
            "revision": revision_of(step1),
            "shop_name": "老福州小吃",
            "category": "retail",
            "action": "leave",
        },
    )
    assert left.url == reverse("approvals:dashboard")

    # Another device: the dashboard offers to continue where the laptop stopped.
    dashboard = phone.get(reverse("approvals:dashboard"))
    premises_url = reverse("approvals:application_step", args=[application.pk, "premises"])
    assert premises_url in body(dashboard)
    step2 = phone.get(premises_url)
    assert "Step 2 of 4" in body(step2)
    to_materials = phone.post(
        premises_url, {"revision": revision_of(step2), "floor_area": "45", "action": "continue"}
    )
    materials_url = reverse("approvals:application_step", args=[application.pk, "materials"])
    assert to_materials.url == materials_url

    materials = phone.get(materials_url)
    uploaded = phone.post(
        reverse("approvals:application_material_upload", args=[application.pk, "floor-plan"]),
        {"file": png_upload("平面图.png")},
    )
    assert uploaded.status_code == 302
    to_review = phone.post(
        materials_url, {"revision": revision_of(phone.get(materials_url)), "action": "continue"}
    )
    review_url = reverse("approvals:application_review", args=[application.pk])
    assert to_review.url == review_url
    assert materials.status_code == 200

    review = laptop.get(review_url)
    assert "老福州小吃" in body(review)
    assert "平面图.png" in body(review)
    key = idempotency_key_of(review)
    submit_url = reverse("approvals:application_submit", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = laptop.post(submit_url, {"idempotency_key": key, "declaration": "on"})
        second = laptop.post(submit_url, {"idempotency_key": key, "declaration": "on"})

    receipt_url = reverse("approvals:application_receipt", args=[application.pk])
    assert first.url == second.url == receipt_url
    assert Application.objects.count() == 1
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    receipt = laptop.get(receipt_url)
    assert application.tracking_number in body(receipt)
    code = re.search(r'class="query-code">(\d{6})<', body(receipt)).group(1)
    assert application.query_code_hash and code not in application.query_code_hash
    assert code not in body(laptop.get(receipt_url))  # shown once
