"""Each kind of document renders as a sealed A4 PDF with its key text in both languages, its
fonts subset, and nothing fetched that is not a bundled file."""

import pytest

from approvals.models import DocumentKind
from tests.approvals.documents.conftest import (
    issue,
    pdf_bytes,
    pdf_fonts,
    pdf_text,
    rendered,
    squeezed,
)
from tests.support import events

KIND_FACTS = {
    DocumentKind.RECEIPT: (
        {
            "submitted_at_zh": "2026年5月29日10:30",
            "submitted_at_en": "2026-05-29 10:30",
            "materials": [{"zh": "平面图", "en": "Floor plan", "count": 1}],
        },
        ["申请材料接收凭证", "Receipt of application", "平面图", "Floor plan"],
    ),
    DocumentKind.ACCEPTANCE_NOTICE: (
        {},
        ["受理通知书", "Notice of acceptance", "予以受理", "we have accepted it"],
    ),
    DocumentKind.REFUSAL_NOTICE: (
        {"reasons": "不属于本机关职权", "competent_agency": "福州市卫生健康委员会"},
        [
            "不予受理通知书",
            "Notice of refusal to accept",
            "不属于本机关职权",
            "福州市卫生健康委员会",
            "Please apply to",
        ],
    ),
    DocumentKind.SUPPLEMENT_NOTICE: (
        {
            "items": [
                {"material_zh": "平面图", "material_en": "Floor plan", "problem": "缺少比例尺"},
                {"material_zh": "租赁合同", "material_en": "Lease contract", "problem": "未签字"},
            ],
            "reply_by": "2026-06-10",
        },
        [
            "补正材料通知书",
            "one-time notice",
            "缺少比例尺",
            "未签字",
            "Lease contract",
            "2026年6月10日",
            "10 June 2026",
        ],
    ),
    DocumentKind.EXTENSION_NOTICE: (
        {"working_days": 10, "reason": "需要现场核查", "new_due_on": "2026-07-13"},
        ["延长审批期限通知书", "extended by 10 working days", "需要现场核查", "2026年7月13日"],
    ),
    DocumentKind.APPROVAL_DECISION: (
        {"remarks": ""},
        [
            "准予行政许可决定书",
            "Decision to grant the licence",
            "准予行政许可",
            "we grant the licence",
        ],
    ),
    DocumentKind.DENIAL_DECISION: (
        {"reasons": "经营场所不符合卫生要求"},
        [
            "不予行政许可决定书",
            "经营场所不符合卫生要求",
            "六十日内",
            "六个月内",
            "within 60 days",
            "within 6 months",
        ],
    ),
    DocumentKind.LICENCE_CERTIFICATE: (
        {
            "licence_number": "CITY-MARKET-2026-000001",
            "holder_name": "王芳",
            "scope_zh": "预包装食品销售",
            "scope_en": "Sale of prepackaged food",
            "valid_from": "2026-06-15",
            "valid_to": "2031-06-14",
            "decision_number": "X〔2026〕1号",
        },
        [
            "许可证",
            "Licence",
            "CITY-MARKET-2026-000001",
            "预包装食品销售",
            "2031年6月14日",
            "14 June 2031",
        ],
    ),
    DocumentKind.BUSINESS_LICENCE: (
        {
            "credit_code": "92350102MA2Y000013",
            "registered": {
                "name": {"zh": "福州市鼓楼区老街小吃店", "en": "Old Street Snacks"},
                "organisation": {"zh": "个人经营", "en": "Run by one person"},
                "premises": {"zh": "福州市鼓楼区东街88号", "en": "88 East Street"},
            },
            "holder_name": "王芳",
            "scope_zh": "小吃服务",
            "scope_en": "Snack service",
            "valid_from": "2026-06-15",
            "valid_to": "",
        },
        ["营业执照", "Business licence", "92350102MA2Y000013", "福州市鼓楼区老街小吃店"],
    ),
    DocumentKind.REVOCATION_DECISION: (
        {
            "reasons": "以欺骗手段取得许可",
            "holder_name": "王芳",
            "licence_number": "CITY-MARKET-2026-000001",
            "certificate_zh": "食品经营许可证",
            "certificate_en": "food business licence",
            "valid_from": "2026-06-15",
            "valid_to": "2031-06-14",
            "withdrawn_applications": [],
        },
        ["撤销行政许可决定书", "以欺骗手段取得许可", "CITY-MARKET-2026-000001", "within 60 days"],
    ),
    DocumentKind.CANCELLATION_DECISION: (
        {
            "reasons": "持证人申请注销",
            "holder_name": "王芳",
            "licence_number": "CITY-MARKET-2026-000002",
            "certificate_zh": "食品经营许可证",
            "certificate_en": "food business licence",
            "valid_from": "2026-06-15",
            "valid_to": "2031-06-14",
        },
        ["注销行政许可决定书", "持证人申请注销", "CITY-MARKET-2026-000002"],
    ),
    DocumentKind.COMMITMENT_LETTER: (
        {
            "statement_zh": "本人承诺所填信息真实有效",
            "statement_en": "I pledge that what I stated is true",
            "signed_on": "2026-05-29",
            "verification_days": 60,
            "replaced": [{"zh": "卫生许可证明", "en": "Hygiene certificate"}],
        },
        ["告知承诺书", "Letter of pledge", "本人承诺所填信息真实有效", "卫生许可证明"],
    ),
}


def test_the_rendering_tests_cover_every_kind_of_document():
    """Each test below runs for every kind the portal issues (a new kind needs its facts here):
    among them, that every issued PDF is tagged (PDF/UA) with its language and title."""
    assert set(KIND_FACTS) == set(DocumentKind)


@pytest.mark.parametrize("kind", list(KIND_FACTS))
def test_each_kind_renders_its_text_in_both_languages(decided, kind):
    # given a document of this kind with its facts
    extra, expected = KIND_FACTS[kind]
    document = issue(decided, kind, extra=extra)
    # when it is rendered
    document = rendered(document)
    # then the sealed PDF says what it must, in Chinese and English, with the issuer and number
    text = squeezed(pdf_text(pdf_bytes(document)))
    for phrase in [*expected, "测试部门", "Test department", document.number]:
        assert squeezed(phrase) in text, phrase
    assert document.verification_code in text
    assert document.signed and len(document.sha256) == 64 and document.size > 1000
    assert events("document.rendered", document)


def test_fonts_are_embedded_as_subsets_in_the_sc_family(decided):
    document = rendered(issue(decided, DocumentKind.ACCEPTANCE_NOTICE))

    fonts = pdf_fonts(pdf_bytes(document))

    assert fonts and all("+" in name for name in fonts), fonts
    assert any("CJK-SC" in name or "CJKsc" in name for name in fonts), fonts
    assert document.size < 400_000  # whole CJK fonts would be tens of megabytes


def test_applicant_text_is_escaped_and_no_url_is_fetched(decided, caplog):
    # given reasons typed with markup that would fetch a remote image, a local file and a stylesheet
    hostile = (
        '<img src="http://attacker.example/x.png"><img src="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://attacker.example/x.css">'
    )
    document = issue(decided, DocumentKind.REFUSAL_NOTICE, extra={"reasons": hostile})
    # when it is rendered
    document = rendered(document)
    # then the markup is printed as text, and nothing was fetched
    text = squeezed(pdf_text(pdf_bytes(document)))
    assert squeezed('<img src="http://attacker.example/x.png">') in text
    assert "refused to fetch" not in caplog.text


def test_the_fetcher_refuses_remote_and_local_files_but_the_document_still_renders(decided, caplog):
    # given a template that (as if compromised) asks for http://, file:// and a <link>
    from approvals.documents.rendering import html_to_pdf

    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://attacker.example/a.css">'
        '<link rel="stylesheet" href="file:///etc/passwd"></head><body>'
        '<p style="font-family: Noto Serif CJK SC">正文 body</p>'
        '<img src="http://attacker.example/x.png"><img src="file:///etc/hostname"></body></html>'
    )
    # when it is rendered
    pdf = html_to_pdf(html)
    # then every fetch was refused and the PDF still has the text
    assert "正文 body" in pdf_text(pdf)
    for url in (
        "http://attacker.example/a.css",
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://attacker.example/x.png",
    ):
        assert f"refused to fetch '{url}'" in caplog.text


def test_rendering_twice_keeps_the_same_file_and_hash(decided):
    document = rendered(issue(decided, DocumentKind.ACCEPTANCE_NOTICE))
    first_name, first_hash = document.file.name, document.sha256

    again = rendered(document)

    assert (again.file.name, again.sha256) == (first_name, first_hash)
    assert len(events("document.rendered", document)) == 1


def test_the_fetcher_serves_bundled_files_and_nothing_outside_their_folder(settings, tmp_path):
    # given a bundled image, and a file beside the folder
    from approvals.documents.rendering import safe_url_fetcher, static_root

    settings.BASE_DIR = tmp_path
    (tmp_path / "static" / "documents").mkdir(parents=True)
    (tmp_path / "static" / "documents" / "emblem.svg").write_text("<svg/>")
    (tmp_path / "static" / "secret.txt").write_text("secret")
    fetcher = safe_url_fetcher()
    # when the renderer asks for each
    bundled = fetcher.fetch((static_root() / "emblem.svg").as_uri())
    # then only the bundled one is served; a path climbing out of the folder is refused
    assert bundled.read() == b"<svg/>"
    escaping = static_root().as_uri() + "/../secret.txt"
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(escaping)


def test_an_extension_whose_new_date_is_beyond_the_calendar_says_it_will_follow(decided):
    # given an extension granted when the new due date falls in a year not yet in the calendar
    extra = {"working_days": 10, "reason": "需要现场核查", "new_due_on": None}
    document = rendered(issue(decided, DocumentKind.EXTENSION_NOTICE, extra=extra))
    # then the notice states the extension and says the date will be told, never a blank date
    text = squeezed(pdf_text(pdf_bytes(document)))
    assert squeezed("延长后的具体办结日期待下一年度节假日安排公布后计算") in text
    assert squeezed("we will tell you then") in text
    assert squeezed("办结期限为。") not in text


@pytest.mark.parametrize(
    ("during_review", "present", "absent"),
    [
        (
            False,
            [
                "第三十二条",
                "作出是否受理的决定",
                "Article 32",
                "incomplete or not in the legal form",
            ],
            ["继续审查", "review resumes"],
        ),
        (
            True,
            [
                "已于2026年6月1日受理",
                "第四十五条",
                "本机关将继续审查",
                "was accepted on",
                "Article 45",
                "the review resumes once the materials are complete",
            ],
            ["作出是否受理的决定", "第三十二条", "Article 32", "not in the legal form"],
        ),
    ],
)
def test_the_supplement_notice_speaks_of_the_stage_it_was_asked_in(
    decided, during_review, present, absent
):
    # given a supplement notice asked at intake (Art. 32) or during the review (Art. 45)
    extra = {
        "items": [{"material_zh": "平面图", "material_en": "Floor plan", "problem": "缺少比例尺"}],
        "reply_by": "2026-06-24",
        "during_review": during_review,
    }
    # when it is rendered
    document = rendered(issue(decided, DocumentKind.SUPPLEMENT_NOTICE, extra=extra))
    # then it says what follows the supplement at that stage, in both languages
    text = squeezed(pdf_text(pdf_bytes(document)))
    for phrase in [*present, "平面图：缺少比例尺", "2026年6月24日"]:
        assert squeezed(phrase) in text, phrase
    for phrase in absent:
        assert squeezed(phrase) not in text, phrase


@pytest.mark.parametrize("kind", list(KIND_FACTS))
def test_every_issued_pdf_is_tagged_with_its_language_and_title(decided, kind):
    """PDF/UA: a screen reader reads the sealed document in its structure and language."""
    import io
    import shutil
    import subprocess
    import tempfile

    from pypdf import PdfReader

    extra, _expected = KIND_FACTS[kind]
    document = rendered(issue(decided, kind, extra=extra))
    data = pdf_bytes(document)

    catalog = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "zh-CN"
    if shutil.which("pdfinfo"):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            info = subprocess.run(
                ["pdfinfo", handle.name], capture_output=True, text=True, check=True
            ).stdout
        assert "Tagged:          yes" in info
        assert document.number in info  # the title names the document
