# ruff: noqa: F811  (the intake tests' fixtures are imported, then requested by name)
"""The API's test world: the city food licence of the intake tests (window, market bureau,
clerk, reviewer, a citizen), a second applicant, API clients, and API clients to call with.

Every test runs on a fixed working day (Monday 15 June 2026, Asia/Shanghai)."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from approvals.models import Attachment, Document, Licence
from approvals.services.api_credentials import api_client_create, personal_token_create
from approvals.services.applications import application_start
from approvals.services.attachments import attachment_upload
from approvals.services.workflow import workflow_start
from tests.approvals.intake.conftest import (  # noqa: F401  (fixtures)
    bureau,
    citizen,
    clerk,
    make_submitted,
    reviewer,
    submitted,
    version,
    window,
)
from tests.factories import (
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
)
from tests.support import png_upload


def token_client(user) -> APIClient:
    _token, raw = personal_token_create(actor=user, name="test app")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def session_client(user, *, verified: bool = False, enforce_csrf: bool = False) -> APIClient:
    client = APIClient(enforce_csrf_checks=enforce_csrf)
    client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
    if verified:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="authenticator", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def bearer_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def other_applicant(db):
    return PersonFactory(real_name="李雷", user__preferred_language="en").user


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="city-housing", region_code="350100")


@pytest.fixture
def scoped_client(bureau):
    """An API client of the market bureau: licences, applications, webhooks; its data only."""
    client, raw = api_client_create(
        actor=None,
        name="market back office",
        scopes=["licence:read", "application:read", "webhook"],
        department=bureau,
    )
    client.raw = raw
    return client


@pytest.fixture
def other_department_client(other_department):
    client, raw = api_client_create(
        actor=None,
        name="housing back office",
        scopes=["licence:read", "application:read"],
        department=other_department,
    )
    client.raw = raw
    return client


@pytest.fixture
def scopeless_client(db):
    client, raw = api_client_create(actor=None, name="no scopes", scopes=[])
    client.raw = raw
    return client


@pytest.fixture
def theme(version, window):
    """一件事 around the world's food licence: one question, a shared shop name and floor plan."""
    from tests.factories import ThemeVersionFactory

    return ThemeVersionFactory(
        published=True,
        item__code="OPEN-SHOP",
        lead_department=window,
        questions=[
            {"key": "food", "kind": "yes_no", "text_zh": "卖食品吗？", "text_en": "Sell food?"},
        ],
        shared_fields=[
            {"key": "shop", "schema": {"type": "string", "title": "Shop name"}, "required": True}
        ],
        shared_materials=[{"key": "plan", "name_zh": "平面图", "name_en": "Floor plan"}],
        members=[
            {
                "key": "food",
                "service_item": version.item,
                "condition": {"question": "food", "equals": True},
                "field_map": {"shop": "shop_name"},
                "material_map": {"plan": "floor-plan"},
            }
        ],
    )


@dataclass
class World:
    draft: object
    application: object  # submitted, accepted, under review, with a task, a document, a licence
    task: object
    attachment: object
    draft_attachment: object
    document: object
    licence: object
    theme_code: str = ""
    theme_draft: object = None  # the citizen's draft case (the food licence applies)
    theme_attachment: object = None  # a material of that draft
    theme_case: object = None  # submitted, its member approved with a rendered decision


def _theme_cases(theme, citizen):
    from approvals.models import ThemeCaseAttachment
    from tests.factories import ThemeCaseFactory

    draft = ThemeCaseFactory(
        version=theme, person=citizen.person, created_by=citizen, answers={"food": True}
    )
    material = ThemeCaseAttachment(
        case=draft,
        material_key="plan",
        display_name="plan.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        scan_result="not_scanned",
        uploaded_by=citizen,
    )
    material.file.save("plan.png", ContentFile(b"\x89PNG fake"), save=False)
    material.save()
    case = ThemeCaseFactory(
        version=theme,
        person=citizen.person,
        created_by=citizen,
        answers={"food": True},
        submitted=True,
        delivery="each",
    )
    member = case.members.get()
    member.status = "approved"
    member.decided_on = timezone.localdate()
    member.save(update_fields=["status", "decided_on"])
    decision = Document(
        application=member,
        kind="approval_decision",
        department=theme.members.get().service_item.department,
        number="SC-2026-0099",
        sha256="2" * 64,
        size=8,
    )
    decision.file.save("d.pdf", ContentFile(b"%PDF-1.7"), save=False)
    decision.save()
    return draft, material, case


@pytest.fixture
def world(version, citizen, clerk, reviewer, make_submitted, theme):
    from approvals.services.applications import application_start
    from approvals.services.attachments import attachment_upload

    draft = application_start(actor=citizen, version=version)
    draft_attachment = attachment_upload(
        actor=citizen, application=draft, material_key="lease", uploaded_file=png_upload()
    )
    application = make_submitted(status="accepted", accepted_on=timezone.localdate())
    attachment = Attachment(
        application=application,
        material_key="floor-plan",
        display_name="plan.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        scan_result="not_scanned",
        uploaded_by=citizen,
    )
    attachment.file.save("plan.png", ContentFile(b"\x89PNG fake"), save=False)
    attachment.save()
    workflow_start(actor=clerk, application=application)
    application.refresh_from_db()
    task = application.tasks.get()
    document = Document(
        application=application,
        kind="acceptance_notice",
        department=version.item.department,
        number="SC-2026-0001",
        sha256="1" * 64,
        size=8,
    )
    document.file.save("x.pdf", ContentFile(b"%PDF-1.7"), save=False)
    document.save()
    licence = Licence.objects.create(
        number="JY13501000000123",
        application=application,
        item=version.item,
        department=version.item.department,
        holder_kind="person",
        person=application.person,
        holder_name="王芳",
        valid_from=timezone.localdate(),
    )
    return World(
        draft=draft,
        application=application,
        task=task,
        attachment=attachment,
        draft_attachment=draft_attachment,
        document=document,
        licence=licence,
        theme_code=theme.item.code,
    )


@pytest.fixture
def theme_world(world, theme, citizen):
    """The world with the citizen's 一件事 cases (a draft, a submitted one): apart, because the
    submitted case's member is one more application of the market bureau."""
    world.theme_draft, world.theme_attachment, world.theme_case = _theme_cases(theme, citizen)
    return world


@pytest.fixture
def unverified_official(window):
    return OfficialFactory(department=window).user


def ready_draft(citizen, version):
    """A draft of ``version`` by ``citizen`` with its answers and floor plan: ready to submit."""
    draft = application_start(actor=citizen, version=version)
    draft.data = {"applicant_name": "王芳", "shop_name": "老福州小吃"}
    draft.save(update_fields=["data"])
    attachment_upload(
        actor=citizen, application=draft, material_key="floor-plan", uploaded_file=png_upload()
    )
    return draft
