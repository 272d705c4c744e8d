"""Issue 18, item 2: a guide answers everything — where to go, how to apply, the trips needed,
forms to download, questions and answers, the legal basis as links and the procedure drawing —
edited in the admin on a draft, versioned, carried by export files, and shown in both languages."""

import base64
import copy
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from approvals.models import GuideForm, ServiceItem, ServiceVersion, VersionStatus
from approvals.services.catalogue import (
    service_version_draft,
    service_version_publish,
    service_version_retire,
)
from approvals.services.catalogue_io import export_service, import_service
from audit.admin import ADMIN_ADD, ADMIN_CHANGE
from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.approvals.catalogue.conftest import change_url
from tests.factories import DepartmentFactory, ServiceItemFactory, UserFactory
from tests.support import change_form_data, events

pytestmark = pytest.mark.django_db

PDF = (
    Path(__file__).resolve().parents[3] / "demo/files/food-licence-application-sample.pdf"
).read_bytes()
HTML_AS_PDF = b"<html><script>alert(1)</script></html>"

DETAILS = {
    "window_address_zh": "福州市行政服务中心二楼12号窗口",
    "window_address_en": "Fuzhou Administrative Service Centre, window 12",
    "opening_hours_zh": "周一至周五 8:30—17:30",
    "opening_hours_en": "Monday to Friday, 8:30–17:30",
    "window_phone": "0591-8761 2345",
    "transit_zh": "地铁1号线南门兜站",
    "transit_en": "Metro line 1, Nanmendou",
    "visits_needed": 1,
    "channels": [
        {
            "kind": "online",
            "name_zh": "闽政通",
            "name_en": "Minzhengtong app",
            "url": "https://mztapp.fujian.gov.cn/",
        },
        {"kind": "offline", "name_zh": "综合窗口", "name_en": "General window", "url": ""},
    ],
    "faq": [
        {
            "question_zh": "要跑几次？",
            "question_en": "How many trips?",
            "answer_zh": "最多一次。",
            "answer_en": "At most one.",
        }
    ],
    "legal_basis_links": [
        {"title_zh": "食品安全法", "title_en": "Food Safety Law", "url": "https://flk.npc.gov.cn/"}
    ],
}


def text_of(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def add_form(version, key: str, **fields) -> GuideForm:
    fields = {"kind": "blank", "name_zh": "空白表", "name_en": "Blank form", **fields}
    return GuideForm.objects.create(
        version=version, key=key, file=ContentFile(PDF, name="x.pdf"), **fields
    )


@pytest.fixture
def guide(catalogue_admin, make_draft):
    """A published guide with every detail, a sample form and a joint review by two departments."""
    market = DepartmentFactory(code="fz-market", name_en="Market Regulation", name_zh="市场监管局")
    fire = DepartmentFactory(code="fz-fire", name_en="Fire and Rescue", name_zh="消防救援支队")
    item = ServiceItemFactory(code="FOOD-LIC", department=market)
    workflow = {
        "stages": [
            {
                "key": "joint",
                "name": {"en": "Joint review", "zh": "并联审查"},
                "branches": [
                    {"key": "market", "department": "fz-market", "role": "reviewer"},
                    {"key": "fire", "department": "fz-fire", "role": "reviewer"},
                ],
                "limit_working_days": 7,
            },
            {
                "key": "decision",
                "name": {"en": "Decision", "zh": "决定"},
                "branches": [{"key": "decision", "department": "fz-market", "role": "approver"}],
                "limit_working_days": 3,
            },
        ]
    }
    draft = make_draft(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        workflow_definition=workflow,
        **copy.deepcopy(DETAILS),
    )
    add_form(
        draft, "sample", kind="sample", name_zh="申请书样表", name_en="Application form sample"
    )
    assert fire
    return service_version_publish(actor=catalogue_admin, version=draft)


# --- The page -------------------------------------------------------------------------------------


def test_the_guide_shows_where_to_go_channels_links_forms_faq_and_the_drawing_in_english(
    english_client, guide
):
    response = english_client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"]))
    body, text = response.content.decode(), text_of(response)

    for expected in (
        "Where to go",
        "Fuzhou Administrative Service Centre, window 12",
        "Monday to Friday, 8:30–17:30",
        "Metro line 1, Nanmendou",
        "At most one trip to the window",
        "Minzhengtong app",
        "General window",
        "Forms to download",
        "Application form sample",
        "Frequently asked questions",
        "How many trips?",
        "At most one.",
        "Statutory time limit: 20 working days; promised: 10 working days.",
    ):
        assert expected in text, expected
    assert 'href="tel:059187612345"' in body
    assert '<a href="https://flk.npc.gov.cn/" rel="noopener noreferrer">Food Safety Law</a>' in body
    assert (
        '<a href="https://mztapp.fujian.gov.cn/" rel="noopener noreferrer">Minzhengtong app</a>'
        in body
    )
    assert re.search(r"<details class=\"guide-faq\">\s*<summary>How many trips\?</summary>", body)
    download = reverse("approvals:guide_form_download", args=["FOOD-LIC", "sample"])
    assert f'href="{download}"' in body
    # the drawing: an image with a name and a description, and the steps in words beside it
    assert re.search(
        r'<svg class="procedure-drawing" role="img" '
        r'aria-labelledby="procedure-svg-title procedure-svg-desc"',
        body,
    )
    assert '<title id="procedure-svg-title">Procedure of “Food business licence”</title>' in body
    steps = re.search(r'<ol class="procedure-steps">(.*?)</ol>\s*</figcaption>', body, re.S).group(
        1
    )
    steps_text = " ".join(re.sub(r"<[^>]+>", " ", steps).split())
    assert (
        steps_text.index("You apply")
        < steps_text.index("Joint review")
        < steps_text.index("Decision")
        < steps_text.index("Licence issued")
    )
    assert (
        "these departments work at the same time: Market Regulation — within 7 working days "
        "Fire and Rescue — within 7 working days" in steps_text
    )
    assert body.count('class="procedure-box procedure-lane"') == 3


def test_the_guide_in_chinese(chinese_client, guide):
    response = chinese_client.get(reverse("approvals:guide_detail", args=["FOOD-LIC"]))
    text = text_of(response)

    for expected in (
        "办理地点",
        "福州市行政服务中心二楼12号窗口",
        "周一至周五 8:30—17:30",
        "交通指引",
        "地铁1号线南门兜站",
        "最多跑一次",
        "闽政通",
        "表格下载",
        "申请书样表",
        "常见问题",
        "要跑几次？",
        "最多一次。",
        "食品安全法",
        "“食品经营许可”办理流程图",
        "并联审查",
        "以下部门同时办理（并联审批）：",
        "市场监管局 — 7个工作日内",
        "法定时限：20个工作日；承诺时限：10个工作日。",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("visits", "en", "zh"),
    [
        (0, "No trip to the window: done entirely online", "零跑动"),
        (3, "3 trips to the window", "需跑动3次"),
    ],
)
def test_the_trips_needed_are_named_as_people_know_them(
    make_draft, catalogue_admin, english_client, chinese_client, visits, en, zh
):
    version = service_version_publish(
        actor=catalogue_admin, version=make_draft(visits_needed=visits)
    )
    url = reverse("approvals:guide_detail", args=[version.item.code])

    assert en in text_of(english_client.get(url))
    assert zh in text_of(chinese_client.get(url))


def test_a_guide_without_details_still_opens_and_says_so(
    english_client, make_draft, catalogue_admin
):
    version = service_version_publish(actor=catalogue_admin, version=make_draft())

    response = english_client.get(reverse("approvals:guide_detail", args=[version.item.code]))

    assert response.status_code == 200
    text = text_of(response)
    assert "the guide does not name a window to visit" in text
    assert "Forms to download" not in text and "Frequently asked questions" not in text


# --- Downloads ------------------------------------------------------------------------------------


def test_a_form_downloads_as_a_pdf_attachment_named_in_the_readers_language(
    english_client, chinese_client, guide
):
    url = reverse("approvals:guide_form_download", args=["FOOD-LIC", "sample"])

    response = english_client.get(url)
    chinese = chinese_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Application%20form%20sample.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert (
        "filename*=UTF-8''%E7%94%B3%E8%AF%B7%E4%B9%A6%E6%A0%B7%E8%A1%A8.pdf"
        in chinese["Content-Disposition"]
    )


def test_only_the_published_versions_forms_are_reachable(english_client, guide, catalogue_admin):
    draft = service_version_draft(actor=catalogue_admin, item=guide.item)
    add_form(draft, "draft-only")
    url = reverse("approvals:guide_form_download", args=["FOOD-LIC", "sample"])

    assert (
        english_client.get(
            reverse("approvals:guide_form_download", args=["FOOD-LIC", "draft-only"])
        ).status_code
        == 404
    )
    assert (
        english_client.get(
            reverse("approvals:guide_form_download", args=["FOOD-LIC", "nope"])
        ).status_code
        == 404
    )
    assert english_client.get(url).status_code == 200

    service_version_retire(actor=catalogue_admin, version=guide)

    assert english_client.get(url).status_code == 404


def test_a_published_versions_forms_cannot_be_changed(guide):
    form = guide.guide_forms.get()
    form.name_en = "Changed"

    with pytest.raises(ValidationError):
        form.save()
    with pytest.raises(ValidationError):
        add_form(guide, "more")


# --- Versions, publishing, export and import ------------------------------------------------------


def test_a_new_draft_copies_the_details_and_the_forms(guide, catalogue_admin):
    draft = service_version_draft(actor=catalogue_admin, item=guide.item)

    for field, value in DETAILS.items():
        assert getattr(draft, field) == value, field
    form = draft.guide_forms.get()
    assert (form.key, form.kind, form.name_en) == ("sample", "sample", "Application form sample")
    assert form.file.read() == PDF


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "legal_basis_links",
            [{"title_zh": "法", "title_en": "Law", "url": "javascript:alert(1)"}],
            "must be an http or https address",
        ),
        ("faq", [{"question_zh": "问"}], "question_en: is required"),
        (
            "channels",
            [{"kind": "pigeon", "name_zh": "鸽", "name_en": "Pigeon"}],
            "must be one of online, offline",
        ),
    ],
)
def test_publishing_refuses_unsafe_or_broken_lists(
    make_draft, catalogue_admin, field, value, message
):
    draft = make_draft(**{field: value})

    with pytest.raises(ValidationError) as raised:
        service_version_publish(actor=catalogue_admin, version=draft)

    assert any(message in m for m in raised.value.message_dict[field])
    assert ServiceVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_export_and_import_carry_the_details_and_the_forms(guide, catalogue_admin):
    with translation.override("en"):
        data = export_service(guide.item)
    exported = data["versions"][-1]
    assert exported["faq"] == DETAILS["faq"]
    assert exported["guide_forms"][0]["key"] == "sample"
    assert base64.b64decode(exported["guide_forms"][0]["content_base64"]) == PDF

    # into a portal that lacks the service (here: under another code)
    data["code"] = "FOOD-LIC-COPY"
    item = import_service(data, actor=catalogue_admin)

    draft = item.versions.get()
    assert draft.status == VersionStatus.DRAFT
    for field, value in DETAILS.items():
        assert getattr(draft, field) == value, field
    form = draft.guide_forms.get()
    assert (form.key, form.kind, form.name_zh) == ("sample", "sample", "申请书样表")
    assert form.file.read() == PDF
    assert form.file.name.endswith(".pdf") and "x.pdf" not in form.file.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda f: f.update(content_base64=base64.b64encode(HTML_AS_PDF).decode()),
            "type of file is not accepted",
        ),
        (lambda f: f.update(content_base64="not base64!"), "is not base64"),
        (lambda f: f.update(kind="poster"), "kind"),
        (lambda f: f.pop("content_base64"), "content_base64: is required"),
    ],
)
def test_import_inspects_each_form_as_a_hostile_upload_and_stores_nothing_when_one_is_bad(
    guide, catalogue_admin, change, message
):
    with translation.override("en"):
        data = export_service(guide.item)
    data["code"] = "FOOD-LIC-COPY"
    change(data["versions"][-1]["guide_forms"][0])

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        import_service(data, actor=catalogue_admin)

    assert any(message in m for m in raised.value.messages), raised.value.messages
    assert not ServiceItem.objects.filter(code="FOOD-LIC-COPY").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "legal_basis_links",
            [{"title_zh": "法", "title_en": "Law", "url": "javascript:x"}],
            "http",
        ),
        ("visits_needed", -1, "a number of trips from 0 to 99"),
    ],
)
def test_import_refuses_a_javascript_link_and_a_negative_number_of_trips(
    guide, catalogue_admin, field, value, message
):
    with translation.override("en"):
        data = export_service(guide.item)
    data["code"] = "FOOD-LIC-COPY"
    data["versions"][-1][field] = value

    with translation.override("en"), pytest.raises(ValidationError) as raised:
        import_service(data, actor=catalogue_admin)

    assert any(field in m and message in m for m in raised.value.messages), raised.value.messages
    assert not ServiceItem.objects.filter(code="FOOD-LIC-COPY").exists()


# --- The admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(catalogue_admin, verified_client_factory):
    client = verified_client_factory(catalogue_admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def new_form_inline(upload) -> dict:
    """The POST data of one new form to download in the version's admin page."""
    return {
        "guide_forms-TOTAL_FORMS": "1",
        "guide_forms-INITIAL_FORMS": "0",
        "guide_forms-0-key": "blank",
        "guide_forms-0-position": "1",
        "guide_forms-0-kind": "blank",
        "guide_forms-0-name_zh": "空白表",
        "guide_forms-0-name_en": "Blank form",
        "guide_forms-0-file": upload,
    }


def test_the_admin_edits_the_details_of_a_draft_and_adds_a_form(admin_client, make_draft):
    draft = make_draft()
    data = change_form_data(admin_client.get(change_url(draft)))
    data.update(
        {
            "window_address_en": "Window 3",
            "window_address_zh": "3号窗口",
            "visits_needed": "0",
            "faq": json.dumps(
                [{"question_zh": "问", "question_en": "Q", "answer_zh": "答", "answer_en": "A"}]
            ),
            "legal_basis_links": json.dumps(
                [{"title_zh": "法", "title_en": "Law", "url": "https://example.org/law"}]
            ),
            **new_form_inline(SimpleUploadedFile("my form.pdf", PDF, "application/pdf")),
        }
    )

    response = admin_client.post(change_url(draft), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.window_address_en, draft.visits_needed) == ("Window 3", 0)
    assert draft.faq[0]["answer_en"] == "A"
    form = draft.guide_forms.get()
    assert form.file.read() == PDF
    assert "my form" not in form.file.name and form.file.name.endswith(".pdf")
    # and both the version's change and the new form are in the audit trail
    assert events(ADMIN_CHANGE, draft).exists()
    assert events(ADMIN_ADD, form).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"guide_forms-0-file": SimpleUploadedFile("evil.pdf", HTML_AS_PDF, "application/pdf")},
            "This type of file is not accepted",
        ),
        (
            {
                "legal_basis_links": json.dumps(
                    [{"title_zh": "法", "title_en": "Law", "url": "javascript:alert(1)"}]
                )
            },
            "must be an http or https address",
        ),
    ],
)
def test_the_admin_refuses_a_disguised_file_and_an_unsafe_link(
    admin_client, make_draft, fields, message
):
    draft = make_draft()
    data = change_form_data(admin_client.get(change_url(draft)))
    data.update(
        {
            **new_form_inline(SimpleUploadedFile("ok.pdf", PDF, "application/pdf")),
            **fields,
        }
    )

    response = admin_client.post(change_url(draft), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not draft.guide_forms.exists()
    draft.refresh_from_db()
    assert draft.legal_basis_links == []


def staff_with(*codenames):
    """A staff member (not a superuser) given only these approvals permissions."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="approvals", codename__in=codenames)
    )
    return user


def test_a_catalogue_administrator_edits_a_drafts_forms_without_more_grants(
    verified_client_factory, make_draft
):
    # given a catalogue administrator as the policy knows one (the version's own permissions),
    # with no permission of the materials or the forms to download granted by hand
    editor = staff_with("view_serviceversion", "change_serviceversion", "view_serviceitem")
    client = verified_client_factory(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    draft = make_draft()
    data = change_form_data(client.get(change_url(draft)))
    # when they add a blank form to the draft
    data.update(new_form_inline(SimpleUploadedFile("form.pdf", PDF, "application/pdf")))
    response = client.post(change_url(draft), data)
    # then it is saved with the draft, and audited as theirs
    assert response.status_code == 302, response.context["adminform"].form.errors
    form = draft.guide_forms.get()
    assert form.name_en == "Blank form" and form.file.read() == PDF
    assert events(ADMIN_ADD, form).get().actor == editor


def test_a_reader_of_the_catalogue_sees_the_forms_but_cannot_add_one(
    verified_client_factory, make_draft
):
    # given a draft with a form to download, and staff who may only read the catalogue
    draft = make_draft()
    add_form(draft, "sample", name_en="Filled-in sample")
    reader = staff_with("view_serviceversion", "view_serviceitem")
    client = verified_client_factory(reader)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    # when they open the draft in the admin
    page = client.get(change_url(draft))
    # then they see its form, read-only: no field to add or change one
    assert page.status_code == 200
    assert "Filled-in sample" in page.content.decode()
    assert 'name="guide_forms-0-name_en"' not in page.content.decode()
    assert page.context["inline_admin_formsets"][1].has_add_permission is False
    # and a forged post adds nothing
    data = {**new_form_inline(SimpleUploadedFile("f.pdf", PDF, "application/pdf"))}
    assert client.post(change_url(draft), data).status_code == 403
    assert draft.guide_forms.count() == 1


# --- The demo catalogue ---------------------------------------------------------------------------


def test_the_demo_food_licence_guide_is_complete_and_seeding_again_changes_nothing():
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()

    food = ServiceItem.objects.get(code="FOOD-LIC").versions.get(status=VersionStatus.PUBLISHED)
    assert (
        food.window_address_zh and food.opening_hours_en and food.transit_zh and food.window_phone
    )
    assert food.visits_needed == 1 and len(food.faq) >= 3 and len(food.legal_basis_links) >= 2
    assert sorted(food.guide_forms.values_list("kind", flat=True)) == ["blank", "sample"]
    for form in food.guide_forms.all():
        assert form.file.read(5) == b"%PDF-"
    others = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED).exclude(pk=food.pk)
    assert others.exists()
    assert all(v.window_address_zh and v.visits_needed is not None for v in others)

    assert seed_catalogue() == 0


def test_hostile_text_in_questions_and_department_names_is_shown_as_text(
    english_client, make_draft, catalogue_admin
):
    hostile = "<script>alert(1)</script>"
    draft = make_draft(
        faq=[{"question_zh": "问", "question_en": hostile, "answer_zh": "答", "answer_en": hostile}]
    )
    draft.item.department.name_en = f"Bureau {hostile}"
    draft.item.department.save()
    version = service_version_publish(actor=catalogue_admin, version=draft)

    body = english_client.get(reverse("approvals:guide_detail", args=[version.item.code]))
    body = body.content.decode()

    assert hostile not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "Bureau &lt;script&gt;" in body.split('<svg class="procedure-drawing"')[1]


def test_the_guide_page_reads_the_same_number_of_queries_however_many_forms_it_has(
    english_client, guide, catalogue_admin
):
    url = reverse("approvals:guide_detail", args=["FOOD-LIC"])
    with CaptureQueriesContext(connection) as one_form:
        english_client.get(url)
    draft = service_version_draft(actor=catalogue_admin, item=guide.item)
    for n in range(4):
        add_form(draft, f"extra-{n}")
    service_version_publish(actor=catalogue_admin, version=draft)

    with CaptureQueriesContext(connection) as five_forms:
        response = english_client.get(url)

    assert response.content.decode().count("/forms/extra-") == 4
    assert len(five_forms) == len(one_form)
