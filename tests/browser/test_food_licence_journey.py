"""Issue 8's first journey, in a real Chromium, in each language: a citizen signs up (checked
against the population registry) and applies for the food business licence with its floor plan;
the window's clerk sends a one-time supplement notice listing two problems; the citizen answers it
once; the clerk accepts, the market bureau's reviewer and approver approve; the citizen downloads
the sealed licence certificate and opens its verification page from the address its QR code
carries. Officials sign in with their password and an authenticator code, as they do every day.

No QR decoder is installed: the address is read from the text printed under the code, and the
printed code is read back from pixels and compared, module by module, with the code made for
that address.

The PDFs are rendered by the Celery task queued with ``delay_on_commit``: the test settings run
tasks eagerly, and the live server commits each request, so every document is rendered (in the
server's thread) before the response that issued it reaches the browser.
"""

import hashlib
import io
import re
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import segno
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from accounts.models import OfficialRole
from approvals.documents.sealing import check_seal
from approvals.models import Application, ApplicationStatus, Document, DocumentKind
from approvals.services.documents import verification_url
from audit.models import AuditEvent
from demo.catalogue import department_workflow
from tests.accounts.views.auth_helpers import confirmed_device
from tests.approvals.applications.conftest import (
    MATERIALS,
    SCHEMA,
    window,  # noqa: F401 (fixture)
)
from tests.approvals.documents.conftest import pdf_fonts, pdf_text, squeezed
from tests.browser_support import (
    APPLICATION_TEXT,
    PHONE,
    act,
    attach_floor_plan,
    no_serious_axe_violations,
    official_signs_in,
    open_task_from_queue,
    png_bytes,
    screenshot,
    screenshots,
    sign_up,
)
from tests.factories import (
    DepartmentFactory,
    OfficialFactory,
    PopulationRecordFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOLDER = "林晓燕"
VERIFIED = {
    "en": "This document was issued by the department below and is valid.",
    "zh-hans": "本文书由下列部门签发，现为有效。",
}
NOTICE_TITLE = {"en": "Please complete your application: ", "zh-hans": "请补正申请材料："}
SUPPLEMENT_SENT = {
    "en": "Your supplement is sent. The service window will check it.",
    "zh-hans": "补正材料已提交，服务窗口将进行审查。",
}


@pytest.fixture
def food_licence(window):  # noqa: F811 (the imported fixture)
    """The application tests' food licence (two form steps, the floor plan required), here with
    its full workflow: the city's window, then the market bureau's review and decision."""
    bureau = DepartmentFactory(
        code="city-market",
        name_zh="福州市市场监督管理局",
        name_en="Fuzhou Administration for Market Regulation",
        region_code="350100",
        parent=window.parent,
    )
    item = ServiceItemFactory(code="SPJY", department=bureau, topic="food_health")
    return ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        form_schema=SCHEMA,
        materials=MATERIALS,
        workflow_definition=department_workflow("city-market", review_days=3, decision_days=2),
        licence_valid_years=5,
        published=True,
    )


@pytest.fixture
def officials(window, food_licence):  # noqa: F811
    """The window's intake clerk and the bureau's reviewer and approver, each with an
    authenticator app enrolled."""
    bureau = food_licence.item.department
    people = {
        "clerk": OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user,
        "reviewer": OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user,
        "approver": OfficialFactory(department=bureau, role=OfficialRole.APPROVER).user,
    }
    for user in people.values():
        confirmed_device(user)
    return people


def apply_for_the_licence(page, language) -> str:
    """From the service's page to the receipt; the tracking number."""
    page.goto("/services/SPJY/")
    page.locator("main a.button[href$='/applications/new/SPJY/']").first.click()
    page.locator("main form button.button").click()
    page.fill("#id_shop_name", "老福州小吃")
    page.get_by_label(APPLICATION_TEXT[language]["retail"]).check()
    page.locator("form.application-form .form-actions button[value=continue]").click()
    page.fill("#id_floor_area", "45")
    page.locator("form.application-form .form-actions button[value=continue]").click()
    expect(page).to_have_url(re.compile(r"/step/materials/$"))
    attach_floor_plan(page, "平面图.png")
    page.locator(".form-actions button[value=continue]").click()
    expect(page).to_have_url(re.compile(r"/review/(#.*)?$"))
    page.locator("#id_declaration").check()
    page.locator("button[data-once]").click()
    expect(page).to_have_url(re.compile(r"/receipt/$"))
    return page.locator(".tracking-number").inner_text().strip()


def qr_symbol(url: str) -> list[list[bool]]:
    """The modules of the QR code that the renderer makes for ``url`` (same settings)."""
    return [[bool(module) for module in row] for row in segno.make(url, error="m").matrix]


def qr_symbol_in_pdf(path, size: int, dpi: int = 400) -> list[list[bool]]:
    """The QR code printed in the first page's footer, read back from pixels as ``size`` ×
    ``size`` modules.

    No QR decoder is installed, so the printed symbol is compared with the one made for the
    expected address instead: the footer (the bottom 28 mm of the A4 page) is rasterised, the
    symbol's dark bounding box found left of the footer text (the image is 19 mm wide; the
    finder patterns mark three corners), and each module sampled at its centre."""
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: install poppler-utils")
    per_mm = dpi / 25.4
    crop = ["-x", "0", "-y", str(int(268 * per_mm)), "-W", str(int(80 * per_mm))]
    crop += ["-H", str(int(29 * per_mm))]
    png = subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", *crop, str(path)],
        check=True,
        capture_output=True,
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()

    def dark(x, y) -> bool:
        return pixels[x, y] < 128

    left = min(x for x in range(width) for y in range(height) if dark(x, y))
    columns = range(left, min(width, left + int(19 * per_mm)))
    rows = [y for y in range(height) if any(dark(x, y) for x in columns)]
    top = rows[0]
    right = max(x for x in columns if any(dark(x, y) for y in rows))
    module = (right - left + 1) / size
    return [
        [dark(int(left + (c + 0.5) * module), int(top + (r + 0.5) * module)) for c in range(size)]
        for r in range(size)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_from_sign_up_to_the_verified_licence_certificate(
    open_page, food_licence, officials, language, tmp_path
):
    # given a person the population registry knows, with no account yet
    record = PopulationRecordFactory(name=HOLDER)

    # when they sign up on their phone and apply for the food business licence
    citizen = open_page(language, viewport=PHONE)
    citizen.goto("/accounts/signup/")
    sign_up(citizen, record, mobile="13912345678", email="lin.xiaoyan@example.cn")
    tracking_number = apply_for_the_licence(citizen, language)
    application = Application.objects.get(tracking_number=tracking_number)
    assert application.status == ApplicationStatus.SUBMITTED

    # and the window's clerk, from the intake queue, sends one notice listing every problem
    clerk = open_page(language)
    official_signs_in(clerk, officials["clerk"])
    clerk.goto("/work/intake/")
    clerk.get_by_role("link", name=tracking_number).click()
    expect(clerk).to_have_url(re.compile(rf"/work/intake/{application.pk}/$"))
    clerk.locator("#supplement-m-floor-plan").check()
    clerk.fill("#supplement-p-floor-plan", "平面图未标明操作间位置 / The kitchen is not marked")
    clerk.fill("#supplement-other-0", "营业执照副本已过期 / The business licence copy has expired")
    clerk.fill("#supplement-reply_by", "2026-06-25")
    clerk.locator("#supplement button[type=submit]").click()
    expect(clerk).to_have_url(re.compile(r"/work/intake/$"))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUPPLEMENT_REQUESTED

    # then the citizen is told, sees the sealed notice on the application's page, and answers
    citizen.goto("/applications/")
    supplement_link = f"main a[href$='/applications/{application.pk}/supplement/']"
    expect(citizen.locator(supplement_link).first).to_be_visible()
    citizen.goto(f"/applications/{application.pk}/")
    notice = Document.objects.get(application=application, kind=DocumentKind.SUPPLEMENT_NOTICE)
    expect(
        citizen.locator(".document-list li", has_text=notice.number).get_by_role("link")
    ).to_be_visible()
    citizen.goto("/notifications/")
    told = citizen.locator(".notification", has_text=NOTICE_TITLE[language] + tracking_number)
    told.locator("button[type=submit]").click()
    expect(citizen).to_have_url(re.compile(rf"/applications/{application.pk}/supplement/$"))
    expect(citizen.locator(".supplement-items > li")).to_have_count(2)
    expect(citizen.locator(".supplement-items")).to_contain_text("The kitchen is not marked")
    expect(citizen.locator(".supplement-items")).to_contain_text("The business licence copy")
    no_serious_axe_violations(citizen)
    citizen.set_input_files(
        "#file-floor-plan",
        files=[{"name": "平面图-第二版.png", "mimeType": "image/png", "buffer": png_bytes()}],
    )
    citizen.locator("#material-floor-plan form button[type=submit]").click()
    expect(citizen.locator("#material-floor-plan")).to_contain_text("平面图-第二版.png")
    no_serious_axe_violations(citizen)
    screenshot(citizen, f"food-licence-supplement-{language}-phone")
    citizen.fill("#id_comment", "操作间已在平面图上标明；营业执照副本将在窗口出示。")
    citizen.locator("main form:not([enctype]) button[type=submit]").click()
    expect(citizen.locator("main")).to_contain_text(SUPPLEMENT_SENT[language])
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    # when the clerk accepts, and the reviewer and the approver approve from their queues
    clerk.goto(f"/work/intake/{application.pk}/")
    expect(clerk.locator("main")).to_contain_text("操作间已在平面图上标明")
    clerk.locator("#accept button[type=submit]").click()
    expect(clerk).to_have_url(re.compile(r"/work/intake/$"))
    for role in ("reviewer", "approver"):
        page = open_page(language)
        official_signs_in(page, officials[role])
        open_task_from_queue(page, application)
        act(page, "approve", comment="符合条件 / Meets the conditions")
        expect(page.get_by_role("status")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LICENCE_ISSUED

    # then the citizen's application page lists the sealed certificate, every document rendered
    citizen.goto(f"/applications/{application.pk}/")
    certificate = Document.objects.get(
        application=application, kind=DocumentKind.LICENCE_CERTIFICATE
    )
    licence = certificate.licence
    assert not Document.objects.filter(application=application, sha256="").exists()
    row = citizen.locator(".document-list li", has_text=certificate.number)
    expect(row).to_be_visible()
    no_serious_axe_violations(citizen)
    screenshots(citizen, f"food-licence-application-{language}")

    # when they download it
    with citizen.expect_download() as download_info:
        row.get_by_role("link").click()
    path = tmp_path / "licence.pdf"
    download_info.value.save_as(path)
    pdf = path.read_bytes()

    # then it is the sealed certificate: licence number, holder, subset fonts, a valid seal
    assert pdf.startswith(b"%PDF-")
    text = squeezed(pdf_text(pdf))
    assert licence.number in text and HOLDER in text
    fonts = pdf_fonts(pdf)
    assert fonts and all("+" in name for name in fonts), fonts
    seal = check_seal(pdf)
    assert seal.valid, seal
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256

    # and the address under its QR code (the same one the QR encodes) is the verification page's
    printed = re.search(re.escape(settings.PORTAL_BASE_URL) + r"/verify/[0-9A-Za-z]+/", text)
    assert printed is not None, text
    address = printed.group(0)
    assert address == verification_url(certificate)
    expected = qr_symbol(address)
    printed_symbol = qr_symbol_in_pdf(path, size=len(expected))
    assert printed_symbol == expected
    assert printed_symbol != qr_symbol(address.replace(certificate.verification_code, "0" * 16))

    # when they open that address, it says valid and shows the downloaded file's SHA-256
    citizen.goto(urlsplit(address).path)
    expect(citizen.locator(".verify-status")).to_contain_text(VERIFIED[language])
    expect(citizen.locator("main")).to_contain_text(licence.number)
    expect(citizen.locator("main")).to_contain_text("福州市市场监督管理局")
    expect(citizen.locator("code.hash")).to_have_text(hashlib.sha256(pdf).hexdigest())
    assert HOLDER not in citizen.locator("main").inner_text()  # a person's name is masked
    no_serious_axe_violations(citizen)
    screenshots(citizen, f"food-licence-verify-{language}")
    # and the download and the check are on the audit trail
    recorded = AuditEvent.objects.filter(object_type="approvals.document", object_id=certificate.pk)
    assert set(recorded.values_list("action", flat=True)) >= {
        "document.downloaded",
        "document.verified",
    }
