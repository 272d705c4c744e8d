"""The demo city's service catalogue (办事指南): eleven realistic, bilingual services, in the JSON
form that ``approvals.catalogue_io`` exports, and ``seed_catalogue`` which publishes them.

Department codes are those of ``accounts/demo_data.py``. Legal bases name the real laws and
regulations; time limits are in working days, the promised one (承诺时限) shorter than the
statutory one. Every service here is free of charge (Art. 58).

Seeding is keyed on the item code and never edits a published version: when the content below
differs from what is published, a new version is drafted and published, retiring the old one.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import Department
from approvals.audit import audit_record
from approvals.catalogue_io import DraftContent, version_content
from approvals.models import ItemType, MaterialMedium, ServiceItem, ServiceTopic, VersionStatus
from approvals.services.catalogue import service_version_publish

WINDOW = "fz-window"
ORIGINAL, COPY, ELECTRONIC = MaterialMedium.ORIGINAL, MaterialMedium.COPY, MaterialMedium.ELECTRONIC

# Art. 58: no fee unless a law provides for one. Every demo service is free.
FREE_BASIS_ZH = (
    "不收费。依据《中华人民共和国行政许可法》第五十八条：行政机关实施行政许可和对行政许可事项"
    "进行监督检查，不得收取任何费用。"
)
FREE_BASIS_EN = (
    "Free of charge. Administrative Licensing Law of the PRC, Article 58: administrative organs "
    "may not charge any fee for granting a licence or for supervising licensed matters."
)

# The business licence (营业执照) the registration services issue can stand in for a copy of it.
COMPANY_REGISTRATION = "ENT-REG"


# --- Builders for form schemas --------------------------------------------------------------------


def _titled(en: str, zh: str, extra: dict) -> dict:
    hint_en, hint_zh = extra.pop("hint", None), extra.pop("hint_zh", None)
    prop = {"title": en, "x-title-zh": zh, **extra}
    if hint_en:
        prop["description"] = hint_en
    if hint_zh:
        prop["x-description-zh"] = hint_zh
    return prop


def text(en: str, zh: str, **extra) -> dict:
    return {"type": "string", **_titled(en, zh, extra)}


def long_text(en: str, zh: str, **extra) -> dict:
    return text(en, zh, **{"x-widget": "textarea", **extra})


def date(en: str, zh: str, **extra) -> dict:
    return {"type": "string", "format": "date", **_titled(en, zh, extra)}


def number(en: str, zh: str, **extra) -> dict:
    return {"type": "number", **_titled(en, zh, extra)}


def integer(en: str, zh: str, **extra) -> dict:
    return {"type": "integer", **_titled(en, zh, extra)}


def pledge(en: str, zh: str, **extra) -> dict:
    """A box the applicant must tick (告知承诺 / truthfulness statement)."""
    return {"type": "boolean", "const": True, **_titled(en, zh, extra)}


def _labels(options) -> dict:
    return {value: {"en": en, "zh": zh} for value, en, zh in options}


def choice(en: str, zh: str, options, *, widget: str = "radio", **extra) -> dict:
    return {
        "type": "string",
        **_titled(en, zh, extra),
        "enum": [value for value, _en, _zh in options],
        "x-widget": widget,
        "x-enum-labels": _labels(options),
    }


def choices(en: str, zh: str, options, **extra) -> dict:
    return {
        "type": "array",
        **_titled(en, zh, extra),
        "items": {"type": "string", "enum": [value for value, _en, _zh in options]},
        "uniqueItems": True,
        "x-widget": "checkboxes",
        "x-enum-labels": _labels(options),
    }


def group(
    en: str, zh: str, properties: dict, *, required=(), min_items=1, max_items=20, **extra
) -> dict:
    """A repeating group (one row per person, building, outlet, ...)."""
    return {
        "type": "array",
        **_titled(en, zh, extra),
        "minItems": min_items,
        "maxItems": max_items,
        "items": {"type": "object", "properties": properties, "required": list(required)},
    }


def step(key: str, en: str, zh: str, fields: dict) -> tuple[dict, dict]:
    return {"key": key, "title": en, "x-title-zh": zh, "fields": list(fields)}, fields


def form(*steps: tuple[dict, dict], required) -> dict:
    properties: dict[str, Any] = {}
    for _step, fields in steps:
        properties.update(fields)
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "x-steps": [step_ for step_, _fields in steps],
    }


# Applicant fields filled from the base registries (一数一源): never typed again.
def business_applicant_fields() -> dict:
    return {
        "business_name": text("Business name", "单位名称", **{"x-prefill": "business.name"}),
        "uscc": text(
            "Unified social credit code", "统一社会信用代码", **{"x-prefill": "business.uscc"}
        ),
        "legal_representative": text(
            "Legal representative", "法定代表人", **{"x-prefill": "business.legal_representative"}
        ),
        "contact_mobile": text(
            "Contact mobile number",
            "联系人手机号码",
            pattern=r"^1[3-9]\d{9}$",
            **{"x-prefill": "person.mobile"},
        ),
    }


def person_applicant_fields() -> dict:
    return {
        "applicant_name": text("Name", "姓名", **{"x-prefill": "person.real_name"}),
        "id_number": text(
            "Resident ID number", "公民身份号码", **{"x-prefill": "person.id_number"}
        ),
        "contact_mobile": text(
            "Mobile number",
            "手机号码",
            pattern=r"^1[3-9]\d{9}$",
            **{"x-prefill": "person.mobile"},
        ),
        "home_address": text("Home address", "住址", **{"x-prefill": "person.address"}),
    }


# --- Builders for materials and workflows ---------------------------------------------------------


def material(
    key: str,
    zh: str,
    en: str,
    *,
    medium: str = COPY,
    required: bool = True,
    description_zh: str = "",
    description_en: str = "",
    licence: str = "",
) -> dict:
    return {
        "key": key,
        "name_zh": zh,
        "name_en": en,
        "description_zh": description_zh,
        "description_en": description_en,
        "required": required,
        "medium": medium,
        "reusable_licence_item_code": licence,
    }


def business_licence() -> dict:
    return material(
        "business_licence",
        "营业执照",
        "Business licence",
        description_zh="申请单位的营业执照。",
        description_en="The applying business's own licence.",
        licence=COMPANY_REGISTRATION,
    )


def branch(key: str, department: str, role: str) -> dict:
    return {"key": key, "department": department, "role": role}


def stage(key: str, en: str, zh: str, branches: list[dict], days: int, *, second=False) -> dict:
    stage_ = {
        "key": key,
        "name": {"en": en, "zh": zh},
        "branches": branches,
        "join": "all_approve",
        "limit_working_days": days,
    }
    if second:
        stage_["second_approval"] = True
    return stage_


def intake(days: int = 1) -> dict:
    """The service centre's window checks the materials (Art. 32)."""
    return stage(
        "intake", "Window intake", "窗口受理", [branch("window", WINDOW, "intake_clerk")], days
    )


def department_workflow(
    department: str,
    *,
    review_days: int,
    decision_days: int,
    review_en: str = "Review",
    review_zh: str = "审查",
    second_approval: bool = False,
) -> dict:
    """Window intake → the department's review → its decision."""
    return {
        "stages": [
            intake(),
            stage(
                "review",
                review_en,
                review_zh,
                [branch("review", department, "reviewer")],
                review_days,
            ),
            stage(
                "decision",
                "Decision",
                "决定",
                [branch("decision", department, "approver")],
                decision_days,
                second=second_approval,
            ),
        ]
    }


def numbered_lines(text: str) -> str:
    """Each numbered item ("2. …") of a list written as one sentence starts a new line."""
    text = re.sub(r"(?<=[；;。.])\s*(?=\d+\. )", "\n", text)
    return re.sub(r" +\n", "\n", text)


def service(code: str, department: str, topic: str, **content) -> dict:
    for field in ("conditions_zh", "conditions_en", "procedure_zh", "procedure_en"):
        content[field] = numbered_lines(content[field])
    content.setdefault("fee_amount", "0.00")
    content.setdefault("fee_basis_zh", FREE_BASIS_ZH)
    content.setdefault("fee_basis_en", FREE_BASIS_EN)
    content.setdefault("co_departments", [])
    content.setdefault("on_the_spot", False)
    for position, material_ in enumerate(content["materials"], start=1):
        material_.setdefault("position", position)
    for position, form_ in enumerate(content.get("guide_forms", []), start=1):
        form_.setdefault("position", position)
    with_guide_details(content)
    return {"code": code, "department": department, "topic": topic, "version": content}


# On a line of its own after the numbered steps (Art. 32: 一次性告知).
PROCEDURE_SUFFIX_ZH = "\n窗口受理时发现材料不全的，一次性告知需要补正的全部内容。"
PROCEDURE_SUFFIX_EN = (
    "\nIf materials are missing at intake, the window lists everything to supplement at once."
)


# Where to go: the city's administrative service centre, whose windows take every service here.
CITY_CENTRE = {
    "window_address_zh": "福州市行政服务中心（鼓楼区乌山西路318号）一楼综合受理窗口",
    "window_address_en": (
        "Fuzhou Administrative Service Centre, 318 Wushan West Road, Gulou District: "
        "general intake windows, ground floor"
    ),
    "opening_hours_zh": "周一至周五 上午8:30—12:00，下午14:30—17:30（法定节假日除外）",
    "opening_hours_en": (
        "Monday to Friday, 8:30–12:00 and 14:30–17:30 (closed on public holidays)"
    ),
    "window_phone": "0591-12345",
    "transit_zh": "乘地铁1号线至南门兜站，从B出口步行约10分钟；公交乌山西路站下车即到。",
    "transit_en": (
        "Metro line 1 to Nanmendou, exit B, then about 10 minutes on foot; or any bus to the "
        "Wushan West Road stop, next to the centre."
    ),
}
ONLINE_CHANNEL = {
    "kind": "online",
    "name_zh": "本网站网上申请（全程网办）",
    "name_en": "Apply on this portal (entirely online)",
    "url": "",
}
WINDOW_CHANNEL = {
    "kind": "offline",
    "name_zh": "福州市行政服务中心综合受理窗口",
    "name_en": "General intake windows of the Fuzhou Administrative Service Centre",
    "url": "",
}
DEMO_FILES = Path(__file__).resolve().parent / "demo_files"


def guide_form(key: str, kind: str, zh: str, en: str, file_name: str) -> dict:
    """A form to download, as the export format carries it (the file base64-encoded)."""
    content = (DEMO_FILES / file_name).read_bytes()
    return {
        "key": key,
        "kind": kind,
        "name_zh": zh,
        "name_en": en,
        "file_name": file_name,
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def with_guide_details(content: dict) -> dict:
    """Where to go, how to apply and the trips needed, for a service that names none of its own:
    the city centre's windows, online or at the window, at most one trip (最多跑一次)."""
    for field, value in CITY_CENTRE.items():
        content.setdefault(field, value)
    content.setdefault("channels", [ONLINE_CHANNEL, WINDOW_CHANNEL])
    content.setdefault("visits_needed", 1)
    return content


# --- The services ---------------------------------------------------------------------------------

COMPANY_TYPES = (
    ("limited", "Limited liability company", "有限责任公司"),
    ("one_person", "One-person limited liability company", "一人有限责任公司"),
    ("joint_stock", "Company limited by shares", "股份有限公司"),
)

ENTERPRISE_REGISTRATION = service(
    COMPANY_REGISTRATION,
    "fz-market",
    ServiceTopic.BUSINESS,
    name_zh="企业设立登记",
    name_en="Company establishment registration",
    search_keywords_zh="开公司、注册公司、成立公司、办营业执照、公司注册、创业",
    search_keywords_en=(
        "start a company, register a company, incorporation, business licence, startup"
    ),
    item_type=ItemType.REGISTRATION,
    # A registration's 营业执照 has no end date (a company's business term is its articles').
    licence_valid_years=None,
    certificate_name_zh="营业执照",
    certificate_name_en="Business licence",
    for_persons=True,
    for_businesses=True,
    legal_basis_zh=(
        "《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第三条、"
        "第十九条；《中华人民共和国市场主体登记管理条例实施细则》。"
    ),
    legal_basis_en=(
        "Company Law of the PRC, Article 29; Regulations of the PRC on the Registration "
        "Administration of Market Entities, Articles 3 and 19, and their Implementing Rules."
    ),
    conditions_zh=(
        "1. 名称符合企业名称登记管理规定；2. 有符合公司章程规定的全体股东认缴的出资额；"
        "3. 有公司住所；4. 有符合规定的组织机构和法定代表人。"
    ),
    conditions_en=(
        "1. The name complies with the rules on enterprise names; 2. the subscribed capital "
        "agreed in the articles of association; 3. a registered address; 4. governing bodies "
        "and a legal representative as the law requires."
    ),
    procedure_zh=(
        "1. 网上申报并上传材料；2. 窗口受理；3. 登记机关审查，材料齐全、符合法定形式的当场或"
        "在3个工作日内予以登记；4. 发放营业执照（同步生成电子营业执照）。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online and upload the materials; 2. intake at the window; 3. the registration "
        "authority registers complete applications on the spot or within 3 working days; "
        "4. the business licence is issued, with its electronic copy. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=3,
    promised_limit_days=1,
    materials=[
        material(
            "application_form",
            "公司登记（备案）申请书",
            "Company registration (filing) application form",
            medium=ORIGINAL,
        ),
        material("articles", "公司章程", "Articles of association", medium=ORIGINAL),
        material(
            "shareholder_identity",
            "股东的主体资格证明或者自然人身份证明",
            "Shareholders' certificates of legal status or identity documents",
        ),
        material(
            "appointment_documents",
            "法定代表人、董事、监事和经理的任职文件",
            "Appointment documents of the legal representative, directors, supervisors and manager",
        ),
        material(
            "address_proof",
            "住所使用证明",
            "Proof of the right to use the registered address",
            description_zh="房屋产权证明或者租赁合同。",
            description_en="Title certificate of the premises or a lease.",
        ),
    ],
    form_schema=form(
        step(
            "company",
            "The company",
            "公司基本信息",
            {
                "company_name": text(
                    "Company name",
                    "企业名称",
                    maxLength=100,
                    hint="As reserved through the name self-declaration system.",
                    hint_zh="与名称自主申报系统中申报的名称一致。",
                ),
                "company_type": choice("Company type", "公司类型", COMPANY_TYPES),
                "registered_capital": number(
                    "Registered capital (10,000 yuan)", "注册资本（万元）", minimum=0.01
                ),
                "registered_address": text("Registered address", "住所", maxLength=200),
                "business_scope": long_text("Business scope", "经营范围", maxLength=2000),
                "legal_representative_name": text(
                    "Legal representative", "法定代表人", **{"x-prefill": "person.real_name"}
                ),
                "contact_mobile": text(
                    "Contact mobile number",
                    "联系人手机号码",
                    pattern=r"^1[3-9]\d{9}$",
                    **{"x-prefill": "person.mobile"},
                ),
            },
        ),
        step(
            "shareholders",
            "Shareholders",
            "股东（发起人）",
            {
                "shareholders": group(
                    "Shareholders",
                    "股东（发起人）",
                    {
                        "name": text("Name", "姓名或名称"),
                        "certificate_number": text(
                            "ID number or credit code", "证件号码或统一社会信用代码"
                        ),
                        "subscribed_capital": number(
                            "Subscribed capital (10,000 yuan)", "认缴出资额（万元）", minimum=0.01
                        ),
                    },
                    required=("name", "certificate_number", "subscribed_capital"),
                    max_items=50,
                ),
                "truthful": pledge(
                    "I confirm that the information given is true and complete.",
                    "本人承诺所填信息真实、完整。",
                ),
            },
        ),
        required=(
            "company_name",
            "company_type",
            "registered_capital",
            "registered_address",
            "business_scope",
            "legal_representative_name",
            "contact_mobile",
            "shareholders",
            "truthful",
        ),
    ),
    workflow_definition={
        "stages": [
            intake(),
            stage(
                "registration",
                "Registration",
                "登记",
                [branch("registration", "fz-market", "approver")],
                1,
            ),
        ]
    },
)

INDIVIDUAL_BUSINESS_REGISTRATION = service(
    "IND-REG",
    "fz-market",
    ServiceTopic.BUSINESS,
    name_zh="个体工商户登记",
    name_en="Individual business registration",
    search_keywords_zh="个体户、开店、开小店、摆摊、个体营业执照",
    search_keywords_en="sole trader, small shop, self-employed, open a shop",
    item_type=ItemType.REGISTRATION,
    licence_valid_years=None,
    certificate_name_zh="营业执照",
    certificate_name_en="Business licence",
    for_persons=True,
    for_businesses=False,
    on_the_spot=True,
    legal_basis_zh=(
        "《促进个体工商户发展条例》第二条；《中华人民共和国市场主体登记管理条例》第三条、第十九条。"
    ),
    legal_basis_en=(
        "Regulations on Promoting the Development of Individual Businesses, Article 2; "
        "Regulations of the PRC on the Registration Administration of Market Entities, "
        "Articles 3 and 19."
    ),
    conditions_zh=(
        "有经营能力的自然人或家庭；有固定的经营场所；经营范围不属于法律、行政法规禁止的项目。"
    ),
    conditions_en=(
        "A natural person or family able to run a business, with fixed premises, in a line of "
        "business not prohibited by law or administrative regulation."
    ),
    procedure_zh=(
        "1. 网上申报；2. 窗口核验身份并受理；3. 材料齐全、符合法定形式的，当场登记；"
        "4. 当场领取营业执照或下载电子营业执照。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online; 2. the window checks identity and accepts; 3. complete applications "
        "are registered on the spot; 4. collect the business licence at once or download the "
        "electronic licence. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=3,
    promised_limit_days=1,
    materials=[
        material(
            "application_form",
            "个体工商户登记（备案）申请书",
            "Individual business registration application form",
            medium=ORIGINAL,
        ),
        material(
            "operator_identity",
            "经营者身份证明",
            "Operator's identity document",
            description_zh="居民身份证正反面。",
            description_en="Both sides of the resident identity card.",
        ),
        material(
            "premises_proof",
            "经营场所使用证明",
            "Proof of the right to use the premises",
            description_zh="房屋产权证明或者租赁合同；住宅改为经营性用房的，另附有关证明。",
            description_en=(
                "Title certificate or lease; for a home used as premises, the required consent."
            ),
        ),
    ],
    form_schema=form(
        step("operator", "The operator", "经营者信息", person_applicant_fields()),
        step(
            "business",
            "The business",
            "经营信息",
            {
                "trade_name": text(
                    "Trade name",
                    "个体工商户名称",
                    maxLength=60,
                    hint="Optional: an individual business may trade without a name.",
                    hint_zh="可以不使用名称。",
                ),
                "organisation": choice(
                    "Form of organisation",
                    "组成形式",
                    (
                        ("individual", "Run by one person", "个人经营"),
                        ("family", "Run by a family", "家庭经营"),
                    ),
                ),
                "family_members": group(
                    "Family members taking part",
                    "参加经营的家庭成员",
                    {
                        "name": text("Name", "姓名"),
                        "relationship": text("Relationship", "与经营者关系"),
                    },
                    required=("name", "relationship"),
                    max_items=10,
                    **{"x-show-if": {"field": "organisation", "equals": "family"}},
                ),
                "premises_address": text("Premises address", "经营场所", maxLength=200),
                "business_scope": long_text("Line of business", "经营范围", maxLength=1000),
                "employees": integer("Number of employees", "从业人数", minimum=0, maximum=999),
            },
        ),
        required=(
            "applicant_name",
            "id_number",
            "contact_mobile",
            "organisation",
            "family_members",
            "premises_address",
            "business_scope",
        ),
    ),
    workflow_definition={
        "stages": [
            intake(),
            stage(
                "registration",
                "Registration",
                "登记",
                [branch("registration", "fz-market", "approver")],
                1,
            ),
        ]
    },
)

FOOD_CATEGORIES = (
    ("retail", "Food retail", "食品销售经营者"),
    ("catering", "Catering", "餐饮服务经营者"),
    ("canteen", "Canteen of an organisation", "单位食堂"),
)
FOOD_ITEMS = (
    ("prepackaged", "Prepackaged food", "预包装食品"),
    ("bulk", "Bulk food", "散装食品"),
    ("special", "Special foods (health food, infant formula)", "特殊食品"),
    ("hot", "Hot food", "热食类食品"),
    ("cold", "Cold food", "冷食类食品"),
    ("raw", "Raw food (such as sashimi)", "生食类食品"),
    ("pastry", "Pastries", "糕点类食品"),
    ("drinks", "Freshly made drinks", "自制饮品"),
)

FOOD_BUSINESS_LICENCE = service(
    "FOOD-LIC",
    "fz-market",
    ServiceTopic.FOOD_HEALTH,
    name_zh="食品经营许可",
    name_en="Food business licence",
    search_keywords_zh="开饭店、开餐馆、餐馆、饭店、餐饮、小吃店、奶茶店、食堂、卖食品、外卖、食品经营许可证",
    search_keywords_en=(
        "restaurant, open a restaurant, cafe, catering, food shop, snack bar, takeaway, canteen"
    ),
    item_type=ItemType.LICENCE,
    # 《食品经营许可和备案管理办法》: a food business licence is valid for five years.
    licence_valid_years=5,
    certificate_name_zh="食品经营许可证",
    certificate_name_en="Food business licence",
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》"
        "（国家市场监督管理总局令第78号）。"
    ),
    legal_basis_en=(
        "Food Safety Law of the PRC, Article 35; Measures for the Administration of Food "
        "Business Licensing and Filing (SAMR Order No. 78)."
    ),
    conditions_zh=(
        "1. 具有与经营的食品品种、数量相适应的经营场所，并与有毒、有害场所以及其他污染源保持"
        "规定的距离；2. 具有相应的设备、设施；3. 有专职或者兼职的食品安全管理人员和保证食品"
        "安全的规章制度；4. 具有合理的设备布局和工艺流程；5. 已取得营业执照。"
    ),
    conditions_en=(
        "1. Premises suited to the kinds and quantities of food, at the required distance from "
        "toxic or harmful places and other sources of pollution; 2. suitable equipment and "
        "facilities; 3. full- or part-time food safety managers and food safety rules; "
        "4. a sensible layout and process flow; 5. a business licence."
    ),
    procedure_zh=(
        "1. 网上申请并上传材料；2. 窗口受理；3. 市场监管部门审查材料，必要时进行现场核查；"
        "4. 作出准予或不予许可的决定；5. 颁发食品经营许可证（电子证照）。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online and upload the materials; 2. intake at the window; 3. the market "
        "regulator reviews them and inspects the premises where needed; 4. decision to grant or "
        "refuse; 5. the food business licence is issued as an electronic licence. "
        + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=10,
    promised_limit_days=5,
    window_address_zh="福州市行政服务中心（鼓楼区乌山西路318号）二楼市场监管窗口（12—15号）",
    window_address_en=(
        "Fuzhou Administrative Service Centre, 318 Wushan West Road, Gulou District: market "
        "regulation windows 12–15, 2nd floor"
    ),
    window_phone="0591-8761 2345",
    visits_needed=1,
    channels=[
        ONLINE_CHANNEL,
        WINDOW_CHANNEL,
        {
            "kind": "online",
            "name_zh": "闽政通 App“食品经营许可”",
            "name_en": "Minzhengtong app, “Food business licence”",
            "url": "https://mztapp.fujian.gov.cn/",
        },
    ],
    legal_basis_links=[
        {
            "title_zh": "《中华人民共和国食品安全法》（国家法律法规数据库）",
            "title_en": "Food Safety Law of the PRC (national database of laws and regulations)",
            "url": "https://flk.npc.gov.cn/",
        },
        {
            "title_zh": "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
            "title_en": "Measures for Food Business Licensing and Filing (SAMR Order No. 78)",
            "url": "https://www.samr.gov.cn/",
        },
        {
            "title_zh": "《中华人民共和国行政许可法》",
            "title_en": "Administrative Licensing Law of the PRC",
            "url": "https://flk.npc.gov.cn/",
        },
    ],
    faq=[
        {
            "question_zh": "开一家小饭店需要办哪些证？",
            "question_en": "Which licences does a small restaurant need?",
            "answer_zh": (
                "先办理营业执照（企业设立登记），再申请食品经营许可；场所需要时还要办理消防"
                "安全检查和户外招牌设置许可。"
            ),
            "answer_en": (
                "First the business licence (company registration), then the food business "
                "licence; where the premises need them, a fire safety inspection and an outdoor "
                "sign permit."
            ),
        },
        {
            "question_zh": "要跑几次窗口？",
            "question_en": "How many times must I go to the window?",
            "answer_zh": (
                "网上申请并上传材料的，无需到窗口；需要提交原件的，最多跑一次，许可证以电子"
                "证照形式发放。"
            ),
            "answer_en": (
                "None if you apply online and upload the materials; at most once if an original "
                "must be handed in. The licence is issued as an electronic licence."
            ),
        },
        {
            "question_zh": "会来现场核查吗？",
            "question_en": "Will someone inspect the premises?",
            "answer_zh": (
                "市场监管部门认为需要时会进行现场核查，并提前与您约定时间；核查时间不计入审批时限。"
            ),
            "answer_en": (
                "When the market regulator needs to, it inspects the premises at a time agreed "
                "with you beforehand; the inspection does not count toward the time limit "
                "(Art. 45)."
            ),
        },
        {
            "question_zh": "许可证有效期多久？",
            "question_en": "How long is the licence valid?",
            "answer_zh": "食品经营许可证有效期为5年，到期前可申请延续。",
            "answer_en": "Five years; you can apply to renew it before it expires.",
        },
    ],
    guide_forms=[
        guide_form(
            "application_sample",
            "sample",
            "食品经营许可申请书（样表）",
            "Food business licence application form (sample)",
            "food-licence-application-sample.pdf",
        ),
        guide_form(
            "application_blank",
            "blank",
            "食品经营许可申请书（空白表）",
            "Food business licence application form (blank)",
            "food-licence-application-blank.pdf",
        ),
    ],
    materials=[
        material(
            "application_form",
            "食品经营许可申请书",
            "Food business licence application form",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "layout_and_process",
            "主要设备设施、经营布局、操作流程等文件",
            "Main equipment, layout of the premises and process flow",
            medium=ELECTRONIC,
            description_zh="含经营场所平面图和设备布局图。",
            description_en="Including a floor plan and an equipment layout.",
        ),
        material(
            "safety_rules",
            "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等规章制度",
            "Food safety rules: self-inspection, staff health, purchase checks and incident "
            "handling",
            medium=ELECTRONIC,
        ),
        material(
            "power_of_attorney",
            "授权委托书及代理人身份证明",
            "Power of attorney and the agent's identity document",
            medium=ORIGINAL,
            required=False,
            description_zh="委托他人办理的提供。",
            description_en="Only when someone else applies on the business's behalf.",
        ),
    ],
    form_schema=form(
        step(
            "business",
            "About the business",
            "经营者信息",
            {
                **business_applicant_fields(),
                "shop_name": text("Shop name", "门店名称", maxLength=100),
                "premises_address": text("Premises address", "经营场所", maxLength=200),
                "category": choice("Kind of operator", "主体业态", FOOD_CATEGORIES),
                "seats": integer(
                    "Number of seats",
                    "就餐座位数",
                    minimum=0,
                    maximum=5000,
                    **{"x-show-if": {"field": "category", "in": ["catering", "canteen"]}},
                ),
                "food_items": choices(
                    "Food handled",
                    "经营项目",
                    FOOD_ITEMS,
                    minItems=1,
                    hint="Tick all that apply.",
                    hint_zh="可多选。",
                ),
            },
        ),
        step(
            "premises",
            "Premises and staff",
            "场所与人员",
            {
                "floor_area": number(
                    "Floor area (m²)", "经营场所面积（平方米）", minimum=1, maximum=100000
                ),
                "opening_date": date("Planned opening date", "计划开业日期"),
                "staff": group(
                    "Food safety managers",
                    "食品安全管理人员",
                    {
                        "name": text("Name", "姓名"),
                        "certificate": text("Training certificate no.", "培训合格证明编号"),
                        "health_certificate_expiry": date(
                            "Health certificate valid until", "健康证明有效期至"
                        ),
                    },
                    required=("name",),
                    max_items=20,
                ),
                "notes": long_text("Notes", "备注", maxLength=1000),
                "agrees": pledge(
                    "I promise the premises and operations meet the food safety standards and "
                    "that the information given is true.",
                    "本单位承诺经营场所及经营活动符合食品安全标准，所填信息真实有效。",
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "legal_representative",
            "contact_mobile",
            "shop_name",
            "premises_address",
            "category",
            "seats",
            "food_items",
            "floor_area",
            "staff",
            "agrees",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-market",
        review_days=3,
        decision_days=2,
        review_en="Review and on-site inspection",
        review_zh="审查与现场核查",
    ),
)

VENUE_TYPES = (
    ("hotel", "Hotel or guesthouse", "宾馆、旅店"),
    ("bathhouse", "Public bathhouse or sauna", "公共浴室"),
    ("beauty", "Hairdresser or beauty salon", "理发店、美容店"),
    ("swimming", "Swimming pool", "游泳场（馆）"),
    ("entertainment", "Karaoke or dance hall", "歌舞厅"),
)

PUBLIC_PLACE_HYGIENE_LICENCE = service(
    "HYG-LIC",
    "fz-health",
    ServiceTopic.FOOD_HEALTH,
    name_zh="公共场所卫生许可证核发",
    name_en="Public place hygiene licence",
    search_keywords_zh="宾馆、酒店、美容美发、理发店、游泳馆、洗浴、卫生许可证",
    search_keywords_en="hotel, hair salon, beauty salon, swimming pool, bathhouse, hygiene",
    item_type=ItemType.LICENCE,
    # 《公共场所卫生管理条例实施细则》第二十四条: valid for four years (reviewed every two).
    licence_valid_years=4,
    certificate_name_zh="公共场所卫生许可证",
    certificate_name_en="Public place hygiene licence",
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》"
        "（原卫生部令第80号）第二十二条。"
    ),
    legal_basis_en=(
        "Regulations on Hygiene Administration of Public Places, Article 8; their Implementing "
        "Rules (former Ministry of Health Order No. 80), Article 22."
    ),
    conditions_zh=(
        "1. 场所选址、设计和卫生设施符合卫生标准和规范；2. 建立卫生管理制度，配备专（兼）职"
        "卫生管理人员；3. 从业人员取得有效健康合格证明；4. 经卫生检测或评价合格。"
    ),
    conditions_en=(
        "1. Site, design and sanitary facilities meet the hygiene standards; 2. hygiene rules "
        "and a full- or part-time hygiene manager; 3. every employee holds a valid health "
        "certificate; 4. a passing hygiene test or assessment."
    ),
    procedure_zh=(
        "1. 网上申请；2. 窗口受理；3. 卫生健康部门审查材料并现场审核；4. 作出许可决定；"
        "5. 颁发公共场所卫生许可证（有效期四年）。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online; 2. intake at the window; 3. the health commission reviews the "
        "materials and inspects the venue; 4. decision; 5. the hygiene licence is issued "
        "(valid for four years). " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=20,
    promised_limit_days=7,
    materials=[
        material(
            "application_form",
            "公共场所卫生许可申请表",
            "Public place hygiene licence application form",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "site_plans",
            "公共场所地址方位示意图、平面图和卫生设施平面布局图",
            "Location map, floor plan and layout of sanitary facilities",
            medium=ELECTRONIC,
        ),
        material(
            "hygiene_test_report",
            "公共场所卫生检测或者评价报告",
            "Hygiene test or assessment report",
        ),
        material(
            "hygiene_rules",
            "公共场所卫生管理制度",
            "Hygiene management rules",
            medium=ELECTRONIC,
        ),
    ],
    form_schema=form(
        step(
            "venue",
            "The venue",
            "场所信息",
            {
                **business_applicant_fields(),
                "venue_name": text("Venue name", "场所名称", maxLength=100),
                "venue_type": choice("Kind of venue", "场所类别", VENUE_TYPES, widget="select"),
                "venue_address": text("Venue address", "场所地址", maxLength=200),
                "floor_area": number("Floor area (m²)", "营业面积（平方米）", minimum=1),
                "rooms": integer(
                    "Number of guest rooms",
                    "客房数",
                    minimum=1,
                    **{"x-show-if": {"field": "venue_type", "equals": "hotel"}},
                ),
            },
        ),
        step(
            "staff",
            "Hygiene management",
            "卫生管理",
            {
                "employees": integer("Number of employees", "从业人员数", minimum=1),
                "hygiene_managers": group(
                    "Hygiene managers",
                    "卫生管理人员",
                    {
                        "name": text("Name", "姓名"),
                        "health_certificate": text("Health certificate no.", "健康合格证明编号"),
                    },
                    required=("name", "health_certificate"),
                    max_items=10,
                ),
                "truthful": pledge(
                    "I confirm that the information given is true.", "本单位承诺所填信息真实。"
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "contact_mobile",
            "venue_name",
            "venue_type",
            "venue_address",
            "floor_area",
            "rooms",
            "employees",
            "hygiene_managers",
            "truthful",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-health",
        review_days=4,
        decision_days=2,
        review_en="Review and on-site inspection",
        review_zh="审查与现场审核",
    ),
)

PROJECT_TYPES = (
    ("residential", "Residential", "居住建筑"),
    ("commercial", "Commercial", "商业服务设施"),
    ("industrial", "Industrial", "工业建筑"),
    ("public", "Public facilities", "公共管理与公共服务设施"),
)

CONSTRUCTION_PLANNING_PERMIT = service(
    "PLAN-PERMIT",
    "fz-natres",
    ServiceTopic.CONSTRUCTION,
    name_zh="建设工程规划许可证核发",
    name_en="Construction project planning permit",
    search_keywords_zh="盖房子、建房、工程规划、规划许可证",
    search_keywords_en="build, building, construction, planning permission",
    item_type=ItemType.PERMIT,
    # No term of its own in the basis below: the permit lapses if building has not begun in time.
    licence_valid_years=None,
    certificate_name_zh="建设工程规划许可证",
    certificate_name_en="Construction project planning permit",
    for_persons=False,
    for_businesses=True,
    co_departments=["fz-fire", "fz-housing"],
    legal_basis_zh=(
        "《中华人民共和国城乡规划法》第四十条；《中华人民共和国行政许可法》第二十六条"
        "（联合办理）；《福建省实施〈中华人民共和国城乡规划法〉办法》。"
    ),
    legal_basis_en=(
        "Urban and Rural Planning Law of the PRC, Article 40; Administrative Licensing Law of "
        "the PRC, Article 26 (joint handling); Fujian Province Measures for Implementing the "
        "Urban and Rural Planning Law."
    ),
    conditions_zh=(
        "1. 已取得建设用地规划许可证和土地使用权；2. 建设工程设计方案符合控制性详细规划和"
        "规划条件；3. 设计方案经审查符合消防、住房城乡建设等有关要求。"
    ),
    conditions_en=(
        "1. A land-use planning permit and the land-use right; 2. a design that conforms to "
        "the detailed control plan and the planning conditions; 3. a design that meets the fire "
        "safety and construction requirements checked by the co-handling departments."
    ),
    procedure_zh=(
        "1. 网上申请；2. 行政服务中心窗口统一受理；3. 自然资源和规划、住房和城乡建设、消防救援"
        "部门并联审查；4. 自然资源和规划局作出决定；5. 核发建设工程规划许可证。"
        + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online; 2. single intake at the service centre window; 3. joint review in "
        "parallel by the planning, housing and fire departments; 4. decision by the Natural "
        "Resources and Planning Bureau; 5. the planning permit is issued. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=20,
    promised_limit_days=12,
    materials=[
        material(
            "application_form",
            "建设工程规划许可证申请表",
            "Construction project planning permit application form",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "land_certificate",
            "使用土地的有关证明文件",
            "Proof of the land-use right",
            description_zh="不动产权证书或土地出让合同。",
            description_en="Real estate title certificate or land grant contract.",
        ),
        material(
            "design_scheme",
            "建设工程设计方案（总平面图、建筑单体方案）",
            "Project design (site plan and building designs)",
            medium=ELECTRONIC,
        ),
        material(
            "fire_design",
            "消防设计文件",
            "Fire safety design documents",
            medium=ELECTRONIC,
        ),
        material(
            "land_use_planning_permit",
            "建设用地规划许可证",
            "Land-use planning permit",
            required=False,
            description_zh="以划拨方式取得土地使用权的提供。",
            description_en="Only where the land was allocated rather than sold.",
        ),
    ],
    form_schema=form(
        step(
            "project",
            "The project",
            "项目信息",
            {
                **business_applicant_fields(),
                "project_name": text("Project name", "项目名称", maxLength=150),
                "site_address": text("Site address", "建设位置", maxLength=200),
                "land_certificate_number": text(
                    "Land title certificate no.", "不动产权证书号", maxLength=60
                ),
                "project_type": choice("Kind of project", "建设项目类别", PROJECT_TYPES),
                "total_floor_area": number(
                    "Total floor area (m²)", "总建筑面积（平方米）", minimum=1
                ),
            },
        ),
        step(
            "buildings",
            "Buildings and design",
            "建筑与设计",
            {
                "buildings": group(
                    "Buildings",
                    "单体建筑",
                    {
                        "name": text("Building name or number", "楼栋名称或编号"),
                        "floors_above": integer("Floors above ground", "地上层数", minimum=1),
                        "floors_below": integer("Floors below ground", "地下层数", minimum=0),
                        "height": number("Height (m)", "建筑高度（米）", minimum=0.1),
                        "floor_area": number("Floor area (m²)", "建筑面积（平方米）", minimum=1),
                    },
                    required=("name", "floors_above", "height", "floor_area"),
                    max_items=50,
                ),
                "designer": text("Design institute", "设计单位", maxLength=150),
                "designer_qualification": text(
                    "Design qualification certificate no.", "设计资质证书编号", maxLength=60
                ),
                "truthful": pledge(
                    "I confirm that the information and designs submitted are true and agree "
                    "with the documents.",
                    "本单位承诺所填信息和提交的设计文件真实、一致。",
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "contact_mobile",
            "project_name",
            "site_address",
            "land_certificate_number",
            "project_type",
            "total_floor_area",
            "buildings",
            "designer",
            "truthful",
        ),
    ),
    workflow_definition={
        "stages": [
            intake(2),
            stage(
                "joint_review",
                "Joint review",
                "并联审查",
                [
                    branch("planning", "fz-natres", "reviewer"),
                    branch("housing", "fz-housing", "reviewer"),
                    branch("fire", "fz-fire", "reviewer"),
                ],
                8,
            ),
            stage(
                "decision",
                "Decision",
                "决定",
                [branch("decision", "fz-natres", "approver")],
                4,
                second=True,
            ),
        ]
    },
)

FIRE_VENUES = (
    ("hotel", "Hotel", "宾馆、饭店"),
    ("shopping", "Shopping centre or market", "商场、集贸市场"),
    ("restaurant", "Restaurant", "餐饮场所"),
    ("entertainment", "Entertainment venue", "歌舞娱乐场所"),
    ("sports", "Gym or sports venue", "体育场馆"),
    ("hall", "Exhibition or assembly hall", "展览馆、会堂"),
)

FIRE_SAFETY_INSPECTION = service(
    "FIRE-CHECK",
    "fz-fire",
    ServiceTopic.SAFETY,
    name_zh="公众聚集场所投入使用、营业前消防安全检查",
    name_en="Fire safety inspection before a public venue opens",
    search_keywords_zh="消防、消防验收、消防检查、开业检查",
    search_keywords_en="fire, fire inspection, fire safety, venue opening",
    item_type=ItemType.PERMIT,
    licence_valid_years=None,
    certificate_name_zh="公众聚集场所投入使用、营业前消防安全检查合格证",
    certificate_name_en="Fire safety inspection certificate for a public gathering place",
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《中华人民共和国消防法》第十五条；《公众聚集场所投入使用、营业前消防安全检查规则》"
        "（应急管理部令第19号）。"
    ),
    legal_basis_en=(
        "Fire Protection Law of the PRC, Article 15; Rules for Fire Safety Inspections of "
        "Public Gathering Places before Use or Opening (Ministry of Emergency Management Order "
        "No. 19)."
    ),
    conditions_zh=(
        "1. 场所依法通过消防验收或备案；2. 消防设施、器材完好有效，疏散通道、安全出口畅通；"
        "3. 建立消防安全制度和灭火、应急疏散预案；4. 员工经岗前消防安全培训。"
    ),
    conditions_en=(
        "1. The building has passed its fire acceptance check or filing; 2. fire equipment "
        "works and escape routes and exits are clear; 3. fire safety rules and an evacuation "
        "plan; 4. staff trained in fire safety before starting work."
    ),
    procedure_zh=(
        "1. 网上申请，可选择告知承诺方式；2. 窗口受理；3. 消防救援机构现场检查；4. 作出准予或"
        "不予许可决定。采用告知承诺方式的，当场作出许可决定并在三个月内核查。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online, optionally with a signed pledge (告知承诺); 2. intake at the window; "
        "3. on-site inspection by the fire service; 4. decision. With a pledge the licence is "
        "granted at once and checked within three months. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=10,
    promised_limit_days=7,
    materials=[
        material(
            "application_form",
            "公众聚集场所投入使用、营业前消防安全检查申请表",
            "Fire safety inspection application form",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "fire_safety_plan",
            "消防安全制度、灭火和应急疏散预案、场所平面布置图",
            "Fire safety rules, evacuation plan and floor plan",
            medium=ELECTRONIC,
        ),
        material(
            "training_records",
            "员工岗前消防安全教育培训记录",
            "Staff fire safety training records",
        ),
        material(
            "equipment_test_report",
            "建筑消防设施检测报告",
            "Fire equipment test report",
            required=False,
            description_zh="设有自动消防设施的场所提供。",
            description_en="For venues with automatic fire equipment.",
        ),
    ],
    form_schema=form(
        step(
            "venue",
            "The venue",
            "场所信息",
            {
                **business_applicant_fields(),
                "venue_name": text("Venue name", "场所名称", maxLength=100),
                "venue_type": choice("Kind of venue", "场所类别", FIRE_VENUES, widget="select"),
                "venue_address": text("Venue address", "场所地址", maxLength=200),
                "floor_area": number("Floor area used (m²)", "使用面积（平方米）", minimum=1),
                "max_occupancy": integer(
                    "Maximum number of people", "最大容纳人数", minimum=1, maximum=100000
                ),
                "floors": group(
                    "Floors used",
                    "使用楼层",
                    {
                        "floor": text("Floor", "楼层"),
                        "use": text("Use", "使用功能"),
                        "area": number("Area (m²)", "面积（平方米）", minimum=1),
                    },
                    required=("floor", "use", "area"),
                    max_items=50,
                ),
            },
        ),
        step(
            "safety",
            "Fire safety",
            "消防安全",
            {
                "fire_safety_manager": text("Fire safety manager", "消防安全管理人"),
                "manager_mobile": text(
                    "Manager's mobile number", "管理人手机号码", pattern=r"^1[3-9]\d{9}$"
                ),
                "opening_date": date("Planned opening date", "计划营业日期"),
                "pledge_procedure": choice(
                    "Procedure",
                    "办理方式",
                    (
                        ("inspection", "Inspection before the decision", "先检查后许可"),
                        ("pledge", "Signed pledge (告知承诺), checked later", "告知承诺"),
                    ),
                ),
                "pledge": pledge(
                    "I pledge that the venue meets the fire safety requirements and accept the "
                    "consequences of a false pledge.",
                    "本单位承诺场所符合消防安全要求，如有虚假承诺愿承担相应法律责任。",
                    **{"x-show-if": {"field": "pledge_procedure", "equals": "pledge"}},
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "contact_mobile",
            "venue_name",
            "venue_type",
            "venue_address",
            "floor_area",
            "max_occupancy",
            "floors",
            "fire_safety_manager",
            "pledge_procedure",
            "pledge",
        ),
    ),
    # 告知承诺制: the signed pledge replaces the staff training records and the fire equipment
    # test report; the fire service checks it within 60 working days of the licence (事后核查).
    commitment_scheme={
        "choice_field": "pledge_procedure",
        "choice_value": "pledge",
        "pledge_field": "pledge",
        "replaces": ["training_records", "equipment_test_report"],
        "verification_days": 60,
    },
    workflow_definition=department_workflow(
        "fz-fire",
        review_days=5,
        decision_days=2,
        review_en="On-site inspection",
        review_zh="现场检查",
    ),
)

AD_TYPES = (
    ("billboard", "Free-standing billboard", "立柱式广告牌"),
    ("wall", "Wall-mounted sign", "墙面广告"),
    ("led", "LED screen", "电子显示屏"),
    ("rooftop", "Rooftop sign", "屋顶广告"),
)

OUTDOOR_ADVERTISING_PERMIT = service(
    "AD-PERMIT",
    "fz-housing",
    ServiceTopic.CONSTRUCTION,
    name_zh="户外广告设施设置许可",
    name_en="Outdoor advertising permit",
    search_keywords_zh="广告牌、招牌、店招、户外广告、门头",
    search_keywords_en="billboard, shop sign, signboard, advert",
    item_type=ItemType.PERMIT,
    licence_valid_years=None,
    certificate_name_zh="户外广告设施设置许可证",
    certificate_name_en="Outdoor advertising facility permit",
    for_persons=True,
    for_businesses=True,
    legal_basis_zh=(
        "《城市市容和环境卫生管理条例》第十一条；《国务院对确需保留的行政审批项目设定行政许可"
        "的决定》（国务院令第412号）。"
    ),
    legal_basis_en=(
        "Regulations on the Administration of City Appearance and Environmental Sanitation, "
        "Article 11; State Council Decision on Establishing Administrative Licences for "
        "Administrative Approval Items That Must Be Retained (State Council Order No. 412)."
    ),
    conditions_zh=(
        "1. 设置位置符合户外广告设置规划；2. 设施结构安全，不影响交通、消防和市容；"
        "3. 取得场地使用权；4. 大型设施具有结构安全评估。"
    ),
    conditions_en=(
        "1. The location conforms to the outdoor advertising plan; 2. a safe structure that "
        "does not obstruct traffic, firefighting or the cityscape; 3. the right to use the "
        "site; 4. a structural safety assessment for large signs."
    ),
    procedure_zh="1. 网上申请；2. 窗口受理；3. 城市管理部门审查并现场踏勘；4. 作出决定。"
    + PROCEDURE_SUFFIX_ZH,
    procedure_en=(
        "1. Apply online; 2. intake at the window; 3. review and a site visit by urban "
        "management; 4. decision. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=20,
    promised_limit_days=5,
    materials=[
        material(
            "application_form",
            "户外广告设施设置申请表",
            "Outdoor advertising application form",
            medium=ORIGINAL,
        ),
        material(
            "site_use_proof",
            "设置场地使用权证明",
            "Proof of the right to use the site",
            description_zh="产权证明或与产权人签订的场地使用协议。",
            description_en="Title certificate or an agreement with the owner.",
        ),
        material(
            "design_drawings",
            "广告设施设计效果图、结构图",
            "Rendering and structural drawings of the sign",
            medium=ELECTRONIC,
        ),
        material(
            "safety_pledge",
            "安全责任承诺书",
            "Safety responsibility pledge",
            medium=ORIGINAL,
        ),
        material(
            "business_licence",
            "营业执照",
            "Business licence",
            required=False,
            description_zh="单位申请的提供；可引用有效的电子营业执照。",
            description_en="For businesses; a valid electronic business licence can be cited.",
            licence=COMPANY_REGISTRATION,
        ),
    ],
    form_schema=form(
        step(
            "applicant",
            "The applicant",
            "申请人",
            {
                "applicant_name": text(
                    "Applicant (person or business)",
                    "申请人（个人或单位）",
                    maxLength=100,
                    **{"x-prefill": "person.real_name"},
                ),
                "contact_mobile": text(
                    "Contact mobile number",
                    "联系人手机号码",
                    pattern=r"^1[3-9]\d{9}$",
                    **{"x-prefill": "person.mobile"},
                ),
                "ad_type": choice("Kind of sign", "广告设施类型", AD_TYPES),
                "location": text("Location", "设置地点", maxLength=200),
            },
        ),
        step(
            "sign",
            "The sign",
            "设施规格",
            {
                "width": number("Width (m)", "宽度（米）", minimum=0.1, maximum=100),
                "height": number("Height (m)", "高度（米）", minimum=0.1, maximum=100),
                "illuminated": {
                    "type": "boolean",
                    "title": "The sign is lit",
                    "x-title-zh": "设施带有照明",
                },
                "lighting_hours": text(
                    "Lighting hours",
                    "亮灯时段",
                    maxLength=40,
                    hint="For example 18:00–23:00.",
                    hint_zh="例如 18:00–23:00。",
                    **{"x-show-if": {"field": "illuminated", "equals": True}},
                ),
                "period_from": date("Display from", "设置期限自"),
                "period_to": date("Display until", "设置期限至"),
            },
        ),
        required=(
            "applicant_name",
            "contact_mobile",
            "ad_type",
            "location",
            "width",
            "height",
            "lighting_hours",
            "period_from",
            "period_to",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-housing",
        review_days=3,
        decision_days=2,
        review_en="Review and site visit",
        review_zh="审查与现场踏勘",
    ),
)

MEDICAL_CATEGORIES = (
    ("clinic", "Clinic", "诊所"),
    ("outpatient", "Outpatient department", "门诊部"),
    ("hospital", "Hospital", "医院"),
)
CLINICAL_DEPARTMENTS = (
    ("internal", "Internal medicine", "内科"),
    ("surgery", "Surgery", "外科"),
    ("paediatrics", "Paediatrics", "儿科"),
    ("dentistry", "Dentistry", "口腔科"),
    ("tcm", "Traditional Chinese medicine", "中医科"),
    ("rehabilitation", "Rehabilitation", "康复医学科"),
)
MEDICAL_PROFESSIONS = (
    ("doctor", "Doctor", "执业医师"),
    ("assistant", "Assistant doctor", "执业助理医师"),
    ("nurse", "Nurse", "护士"),
)

MEDICAL_INSTITUTION_LICENCE = service(
    "MED-LIC",
    "fz-health",
    ServiceTopic.FOOD_HEALTH,
    name_zh="医疗机构执业许可",
    name_en="Medical institution practice licence",
    search_keywords_zh="开诊所、诊所、医院、门诊部、卫生院",
    search_keywords_en="clinic, hospital, open a clinic, medical practice",
    item_type=ItemType.LICENCE,
    licence_valid_years=None,
    certificate_name_zh="医疗机构执业许可证",
    certificate_name_en="Medical institution practising licence",
    for_persons=True,
    for_businesses=True,
    legal_basis_zh="《医疗机构管理条例》第十五条、第十六条；《医疗机构管理条例实施细则》。",
    legal_basis_en=(
        "Regulations on the Administration of Medical Institutions, Articles 15 and 16; their "
        "Implementing Rules."
    ),
    conditions_zh=(
        "1. 符合医疗机构的基本标准；2. 有适合的名称、组织机构和场所；3. 有与其开展的业务相适应"
        "的经费、设施、设备和专业卫生技术人员；4. 有相应的规章制度；5. 能够独立承担民事责任。"
    ),
    conditions_en=(
        "1. Meets the basic standards for medical institutions; 2. a suitable name, "
        "organisation and premises; 3. funds, facilities, equipment and qualified health "
        "professionals suited to its services; 4. rules and procedures; 5. able to bear civil "
        "liability on its own."
    ),
    procedure_zh=(
        "1. 网上申请；2. 窗口受理；3. 卫生健康部门审核材料并现场评审；4. 作出许可决定（需两人"
        "审批）；5. 发放医疗机构执业许可证。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online; 2. intake at the window; 3. the health commission reviews the "
        "materials and assesses the premises; 4. decision, approved by two officials; "
        "5. the practice licence is issued. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=20,
    promised_limit_days=15,
    materials=[
        material(
            "application_form",
            "医疗机构执业登记申请书",
            "Medical institution practice registration form",
            medium=ORIGINAL,
        ),
        material(
            "premises_proof",
            "医疗机构用房产权证明或者使用证明",
            "Title certificate or lease of the premises",
        ),
        material(
            "floor_plan",
            "医疗机构建筑设计平面图",
            "Architectural floor plan",
            medium=ELECTRONIC,
        ),
        material(
            "staff_certificates",
            "医务人员执业证书",
            "Practising certificates of the medical staff",
        ),
        material(
            "rules",
            "医疗机构规章制度",
            "Rules and procedures of the institution",
            medium=ELECTRONIC,
        ),
        material(
            "capital_proof",
            "验资证明、资产评估报告",
            "Capital verification or asset valuation report",
            required=False,
            description_zh="医院、门诊部提供。",
            description_en="For hospitals and outpatient departments.",
        ),
    ],
    form_schema=form(
        step(
            "institution",
            "The institution",
            "机构信息",
            {
                "institution_name": text("Institution name", "医疗机构名称", maxLength=100),
                "category": choice("Kind of institution", "类别", MEDICAL_CATEGORIES),
                "beds": integer(
                    "Number of beds",
                    "床位数",
                    minimum=1,
                    maximum=5000,
                    **{"x-show-if": {"field": "category", "equals": "hospital"}},
                ),
                "clinical_departments": choices(
                    "Clinical departments", "诊疗科目", CLINICAL_DEPARTMENTS, minItems=1
                ),
                "address": text("Address", "执业地址", maxLength=200),
                "principal": text(
                    "Principal in charge", "主要负责人", **{"x-prefill": "person.real_name"}
                ),
                "contact_mobile": text(
                    "Contact mobile number",
                    "联系人手机号码",
                    pattern=r"^1[3-9]\d{9}$",
                    **{"x-prefill": "person.mobile"},
                ),
            },
        ),
        step(
            "staff",
            "Medical staff",
            "医务人员",
            {
                "medical_staff": group(
                    "Medical staff",
                    "医务人员",
                    {
                        "name": text("Name", "姓名"),
                        "profession": choice(
                            "Profession", "执业类别", MEDICAL_PROFESSIONS, widget="select"
                        ),
                        "certificate_number": text("Practising certificate no.", "执业证书编码"),
                    },
                    required=("name", "profession", "certificate_number"),
                    max_items=100,
                ),
                "truthful": pledge(
                    "I confirm that the information given is true.", "承诺所填信息真实。"
                ),
            },
        ),
        required=(
            "institution_name",
            "category",
            "beds",
            "clinical_departments",
            "address",
            "principal",
            "contact_mobile",
            "medical_staff",
            "truthful",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-health",
        review_days=10,
        decision_days=4,
        review_en="Review and on-site assessment",
        review_zh="审核与现场评审",
        second_approval=True,
    ),
)

TRAVEL_SCOPES = (
    ("domestic", "Domestic tourism", "国内旅游业务"),
    ("inbound", "Inbound tourism", "入境旅游业务"),
)

TRAVEL_AGENCY_LICENCE = service(
    "TRAVEL-LIC",
    "fz-culture",
    ServiceTopic.CULTURE_TOURISM,
    name_zh="旅行社业务经营许可",
    name_en="Travel agency licence",
    search_keywords_zh="旅行社、旅游、导游、开旅行社",
    search_keywords_en="travel agency, tourism, tour operator",
    item_type=ItemType.LICENCE,
    licence_valid_years=None,
    certificate_name_zh="旅行社业务经营许可证",
    certificate_name_en="Travel agency business licence",
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《中华人民共和国旅游法》第二十八条、第二十九条；《旅行社条例》第六条、第七条；"
        "《旅行社条例实施细则》。"
    ),
    legal_basis_en=(
        "Tourism Law of the PRC, Articles 28 and 29; Regulations on Travel Agencies, "
        "Articles 6 and 7; their Implementing Rules."
    ),
    conditions_zh=(
        "1. 有固定的经营场所；2. 有必要的营业设施；3. 有符合规定的注册资本；4. 有必要的经营"
        "管理人员和导游；5. 按规定交存旅游服务质量保证金。"
    ),
    conditions_en=(
        "1. Fixed premises; 2. the necessary business facilities; 3. the required registered "
        "capital; 4. the necessary managers and tour guides; 5. the tourism service quality "
        "deposit paid in as required."
    ),
    procedure_zh=(
        "1. 网上申请；2. 窗口受理；3. 文化和旅游部门审查并实地核查经营场所；4. 作出决定；"
        "5. 颁发旅行社业务经营许可证。" + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online; 2. intake at the window; 3. the culture and tourism bureau reviews "
        "the application and visits the premises; 4. decision; 5. the travel agency licence is "
        "issued. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=20,
    promised_limit_days=10,
    materials=[
        material(
            "application_form",
            "设立旅行社申请书",
            "Application to establish a travel agency",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "premises_proof",
            "经营场所证明",
            "Proof of the business premises",
        ),
        material(
            "facilities",
            "营业设施、设备的证明或者说明",
            "Proof or description of the business facilities and equipment",
            medium=ELECTRONIC,
        ),
        material(
            "managers_cv",
            "法定代表人履历表及身份证明",
            "Curriculum vitae and identity document of the legal representative",
        ),
        material(
            "deposit_certificate",
            "旅游服务质量保证金交存证明",
            "Certificate of the tourism service quality deposit",
            medium=ORIGINAL,
        ),
    ],
    form_schema=form(
        step(
            "agency",
            "The agency",
            "旅行社信息",
            {
                **business_applicant_fields(),
                "agency_name": text("Travel agency name", "旅行社名称", maxLength=100),
                "business_scope": choices(
                    "Lines of business", "经营范围", TRAVEL_SCOPES, minItems=1
                ),
                "premises_address": text("Premises address", "经营场所", maxLength=200),
                "premises_area": number("Premises area (m²)", "经营场所面积（平方米）", minimum=1),
            },
        ),
        step(
            "people",
            "Managers and guarantee",
            "人员与保证金",
            {
                "managers": group(
                    "Managers",
                    "经营管理人员",
                    {
                        "name": text("Name", "姓名"),
                        "position": text("Position", "职务"),
                        "qualification": text("Qualification", "从业资历"),
                    },
                    required=("name", "position"),
                    max_items=20,
                ),
                "deposit_bank": text(
                    "Bank holding the quality deposit", "质量保证金存款银行", maxLength=100
                ),
                "truthful": pledge(
                    "I confirm that the information given is true.", "本单位承诺所填信息真实。"
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "legal_representative",
            "contact_mobile",
            "agency_name",
            "business_scope",
            "premises_address",
            "managers",
            "deposit_bank",
            "truthful",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-culture",
        review_days=6,
        decision_days=3,
        review_en="Review and premises visit",
        review_zh="审查与实地核查",
    ),
)

DISCHARGER_TYPES = (
    ("catering", "Catering", "餐饮"),
    ("car_wash", "Car wash", "洗车"),
    ("hospital", "Medical institution", "医疗机构"),
    ("construction", "Construction site", "建筑工地"),
    ("industrial", "Industrial", "工业企业"),
)
PRETREATMENT = (
    ("grease_trap", "Grease trap", "隔油池"),
    ("sedimentation", "Sedimentation tank", "沉淀池"),
    ("septic", "Septic tank", "化粪池"),
    ("disinfection", "Disinfection", "消毒设施"),
)

URBAN_DRAINAGE_PERMIT = service(
    "DRAIN-PERMIT",
    "fz-housing",
    ServiceTopic.ENVIRONMENT,
    name_zh="城镇污水排入排水管网许可",
    name_en="Permit to discharge wastewater into the urban sewer network",
    search_keywords_zh="排水、污水、排污、下水道、排水许可证",
    search_keywords_en="drainage, wastewater, sewage, sewer",
    item_type=ItemType.PERMIT,
    # 《城镇污水排入排水管网许可管理办法》第十六条: a discharge permit is valid for five years.
    licence_valid_years=5,
    certificate_name_zh="城镇污水排入排水管网许可证",
    certificate_name_en="Permit to discharge wastewater into the urban sewer network",
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《城镇排水与污水处理条例》第二十一条；《城镇污水排入排水管网许可管理办法》"
        "（住房和城乡建设部令第21号）。"
    ),
    legal_basis_en=(
        "Regulations on Urban Drainage and Sewage Treatment, Article 21; Measures for the "
        "Administration of Permits for Discharging Urban Sewage into Drainage Networks "
        "(Ministry of Housing and Urban-Rural Development Order No. 21)."
    ),
    conditions_zh=(
        "1. 排放口的设置符合城镇排水与污水处理规划要求；2. 按规定建设预处理设施；3. 排水户内部"
        "排水管网、专用检测井、排放口实行雨污分流；4. 排放水质符合国家和地方标准。"
    ),
    conditions_en=(
        "1. Outlets placed as the drainage plan requires; 2. pretreatment facilities built as "
        "required; 3. separate rain and sewage pipes, inspection wells and outlets; "
        "4. effluent that meets the national and local standards."
    ),
    procedure_zh="1. 网上申请；2. 窗口受理；3. 住房和城乡建设部门审查并现场核查；4. 作出决定。"
    + PROCEDURE_SUFFIX_ZH,
    procedure_en=(
        "1. Apply online; 2. intake at the window; 3. review and an on-site check by the "
        "housing bureau; 4. decision. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=15,
    promised_limit_days=8,
    materials=[
        material(
            "application_form",
            "城镇污水排入排水管网许可申请表",
            "Drainage permit application form",
            medium=ORIGINAL,
        ),
        business_licence(),
        material(
            "drainage_drawings",
            "排水户内部排水管网、专用检测井、污水排放口位置和口径的图纸及说明",
            "Drawings of internal drainage pipes, inspection wells and outlets",
            medium=ELECTRONIC,
        ),
        material(
            "completion_report",
            "排水隐蔽工程竣工报告",
            "Completion report of the concealed drainage works",
        ),
        material(
            "water_quality_report",
            "排水水质、水量检测报告",
            "Effluent quality and volume test report",
            required=False,
            description_zh="列入重点排污单位名录的排水户提供。",
            description_en="For dischargers on the list of key polluters.",
        ),
    ],
    form_schema=form(
        step(
            "discharger",
            "The discharger",
            "排水户信息",
            {
                **business_applicant_fields(),
                "discharger_type": choice(
                    "Kind of discharger", "排水户类型", DISCHARGER_TYPES, widget="select"
                ),
                "site_address": text("Site address", "排水地址", maxLength=200),
                "daily_volume": number(
                    "Daily discharge (m³)", "日排水量（立方米）", minimum=0.1, maximum=100000
                ),
                "pretreatment": choices(
                    "Pretreatment facilities", "预处理设施", PRETREATMENT, minItems=1
                ),
            },
        ),
        step(
            "outlets",
            "Outlets",
            "排放口",
            {
                "outlets": group(
                    "Discharge outlets",
                    "污水排放口",
                    {
                        "number": text("Outlet number", "排放口编号"),
                        "diameter_mm": integer("Diameter (mm)", "管径（毫米）", minimum=50),
                        "connects_to": text("Connects to (street sewer)", "接入市政管网位置"),
                    },
                    required=("number", "diameter_mm", "connects_to"),
                    max_items=20,
                ),
                "truthful": pledge(
                    "I confirm that the information given is true.", "本单位承诺所填信息真实。"
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "contact_mobile",
            "discharger_type",
            "site_address",
            "daily_volume",
            "pretreatment",
            "outlets",
            "truthful",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-housing",
        review_days=5,
        decision_days=3,
        review_en="Review and on-site check",
        review_zh="审查与现场核查",
    ),
)

EIA_DOCUMENTS = (
    ("report", "Environmental impact report (报告书)", "环境影响报告书"),
    ("report_form", "Environmental impact form (报告表)", "环境影响报告表"),
)
POLLUTANTS = (
    ("wastewater", "Wastewater", "废水"),
    ("exhaust", "Exhaust gas", "废气"),
    ("noise", "Noise", "噪声"),
    ("solid_waste", "Solid waste", "固体废物"),
    ("hazardous_waste", "Hazardous waste", "危险废物"),
)

ENVIRONMENTAL_IMPACT_APPROVAL = service(
    "EIA-APPROVAL",
    "fz-ecology",
    ServiceTopic.ENVIRONMENT,
    name_zh="建设项目环境影响评价文件审批",
    name_en="Approval of a construction project's environmental impact assessment",
    search_keywords_zh="环评、环境影响评价、环保审批",
    search_keywords_en="environmental impact assessment, EIA, environment",
    item_type=ItemType.PERMIT,
    for_persons=False,
    for_businesses=True,
    legal_basis_zh=(
        "《中华人民共和国环境影响评价法》第二十二条；《建设项目环境保护管理条例》第九条。"
    ),
    legal_basis_en=(
        "Environmental Impact Assessment Law of the PRC, Article 22; Regulations on the "
        "Administration of Environmental Protection for Construction Projects, Article 9."
    ),
    conditions_zh=(
        "1. 建设项目类型及其选址、布局、规模符合环境保护法律法规和相关法定规划；2. 所在区域"
        "环境质量满足环境功能区划要求；3. 采取的污染防治措施能确保污染物排放达到国家和地方"
        "排放标准；4. 环境影响评价文件的基础资料数据真实，内容不存在重大缺陷。"
    ),
    conditions_en=(
        "1. The project's type, site, layout and scale conform to environmental law and the "
        "statutory plans; 2. the area's environmental quality meets its functional zoning; "
        "3. the pollution controls keep emissions within the national and local standards; "
        "4. the assessment's data are true and it has no major defect."
    ),
    procedure_zh=(
        "1. 网上申请并上传环境影响评价文件；2. 窗口受理；3. 生态环境部门组织技术评估（技术评估"
        "时间不计入审批时限）；4. 公示拟审批意见；5. 作出审批决定（需两人审批）。"
        + PROCEDURE_SUFFIX_ZH
    ),
    procedure_en=(
        "1. Apply online and upload the assessment; 2. intake at the window; 3. technical "
        "evaluation organised by the ecology bureau (not counted toward the time limit, "
        "Art. 45); 4. the proposed decision is published; 5. decision, approved by two "
        "officials. " + PROCEDURE_SUFFIX_EN
    ),
    statutory_limit_days=30,
    promised_limit_days=15,
    fee_basis_zh=(
        "不收费。依据《中华人民共和国环境影响评价法》第二十二条第三款：审批部门审批建设项目"
        "环境影响评价文件，不收取任何费用；及《中华人民共和国行政许可法》第五十八条。"
    ),
    fee_basis_en=(
        "Free of charge. Environmental Impact Assessment Law of the PRC, Article 22(3): no fee "
        "may be charged for approving an assessment; and Administrative Licensing Law, "
        "Article 58."
    ),
    materials=[
        material(
            "application_form",
            "建设项目环境影响评价文件审批申请书",
            "Application for approval of the environmental impact assessment",
            medium=ORIGINAL,
        ),
        material(
            "eia_document",
            "建设项目环境影响报告书（表）",
            "Environmental impact report or form",
            medium=ELECTRONIC,
            description_zh="全本及删除涉及国家秘密、商业秘密内容的公示本。",
            description_en="The full text and a public version without state or trade secrets.",
        ),
        material(
            "public_participation",
            "公众参与说明",
            "Statement on public participation",
            required=False,
            description_zh="编制环境影响报告书的项目提供。",
            description_en="For projects with a full environmental impact report.",
        ),
        business_licence(),
    ],
    form_schema=form(
        step(
            "project",
            "The project",
            "项目信息",
            {
                **business_applicant_fields(),
                "project_name": text("Project name", "项目名称", maxLength=150),
                "location": text("Location", "建设地点", maxLength=200),
                "industry": text("Industry", "行业类别", maxLength=100),
                "document_type": choice("Kind of assessment", "环评文件类型", EIA_DOCUMENTS),
                "public_participation_end": date(
                    "Public consultation ended on",
                    "公众参与公示结束日期",
                    **{"x-show-if": {"field": "document_type", "equals": "report"}},
                ),
            },
        ),
        step(
            "impact",
            "Investment and impact",
            "投资与环境影响",
            {
                "total_investment": number(
                    "Total investment (10,000 yuan)", "总投资（万元）", minimum=0.01
                ),
                "environmental_investment": number(
                    "Environmental protection investment (10,000 yuan)",
                    "环保投资（万元）",
                    minimum=0,
                ),
                "pollutants": choices("Main pollutants", "主要污染物", POLLUTANTS, minItems=1),
                "emission_sources": group(
                    "Emission sources",
                    "主要排放源",
                    {
                        "source": text("Source", "排放源"),
                        "pollutant": text("Pollutant", "污染物"),
                        "treatment": text("Treatment", "治理措施"),
                    },
                    required=("source", "pollutant", "treatment"),
                    max_items=30,
                ),
                "assessor": text("Assessment body", "环评编制单位", maxLength=150),
                "truthful": pledge(
                    "I confirm that the assessment's data are true and take responsibility "
                    "for them.",
                    "本单位对环境影响评价文件的内容和结论负责，承诺所填信息真实。",
                ),
            },
        ),
        required=(
            "business_name",
            "uscc",
            "contact_mobile",
            "project_name",
            "location",
            "industry",
            "document_type",
            "public_participation_end",
            "total_investment",
            "pollutants",
            "emission_sources",
            "assessor",
            "truthful",
        ),
    ),
    workflow_definition=department_workflow(
        "fz-ecology",
        review_days=10,
        decision_days=5,
        review_en="Technical review",
        review_zh="技术审查",
        second_approval=True,
    ),
)

# The company registration comes first: other services' materials cite the licence it issues.
DEMO_SERVICES: tuple[dict, ...] = (
    ENTERPRISE_REGISTRATION,
    INDIVIDUAL_BUSINESS_REGISTRATION,
    FOOD_BUSINESS_LICENCE,
    PUBLIC_PLACE_HYGIENE_LICENCE,
    CONSTRUCTION_PLANNING_PERMIT,
    FIRE_SAFETY_INSPECTION,
    OUTDOOR_ADVERTISING_PERMIT,
    MEDICAL_INSTITUTION_LICENCE,
    TRAVEL_AGENCY_LICENCE,
    URBAN_DRAINAGE_PERMIT,
    ENVIRONMENTAL_IMPACT_APPROVAL,
)


# --- Seeding --------------------------------------------------------------------------------------


def _seed_service(spec: dict, *, actor) -> bool:
    """Bring one service to the content above; True when anything was created or published."""
    department = Department.objects.get(code=spec["department"])
    item = ServiceItem.objects.select_for_update().filter(code=spec["code"]).first()
    item_changed = False
    if item is None:
        item = ServiceItem.objects.create(
            code=spec["code"], department=department, topic=spec["topic"]
        )
        audit_record(
            action="catalogue.item_created",
            actor=actor,
            obj=item,
            changes={"code": [None, item.code], "department": [None, department.code]},
            reason="demo catalogue",
        )
        item_changed = True
    elif (item.department_id, item.topic) != (department.pk, spec["topic"]):
        before = {"department": item.department.code, "topic": item.topic}
        item.department, item.topic = department, spec["topic"]
        item.save(update_fields=["department", "topic"])
        audit_record(
            action="catalogue.item_changed",
            actor=actor,
            obj=item,
            changes={
                "department": [before["department"], department.code],
                "topic": [before["topic"], item.topic],
            },
            reason="demo catalogue",
        )
        item_changed = True
    draft = DraftContent(item, spec["version"], spec["code"])
    draft.problems.raise_if_any()
    published = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if published is not None and version_content(published, template_names=False) == (
        draft.content()
    ):
        return item_changed
    version = draft.save_draft()
    audit_record(
        action="catalogue.drafted",
        actor=actor,
        obj=version,
        changes={"item": [None, item.code], "number": [None, version.number]},
        reason="demo catalogue",
    )
    service_version_publish(actor=actor, version=version)
    return True


@transaction.atomic
def seed_catalogue(*, actor=None) -> int:
    """Publish the demo catalogue; the number of services created or changed (0 when it is
    already in place). The demo departments must exist (``seed_demo`` creates them first)."""
    return sum(_seed_service(spec, actor=actor) for spec in DEMO_SERVICES)
