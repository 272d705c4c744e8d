"""Issuing the licence on approval (Art. 44: within 10 working days of the decision; the portal
issues it at once, with no manual step).

An approved licence, permit or registration becomes an entry of the electronic licence register
(``Licence``), the application moves to ``licence_issued``, and the licence certificate (许可证) is
issued as a sealed document. A filing (备案) issues no licence: its application is closed.

The register's later lifecycle (revocation, change, renewal, reminders) is in
``approvals/services/licences.py``.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts import identifiers
from accounts.models import User
from approvals.db.counters import counter_next
from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import Action
from approvals.models import (
    ApplicantKind,
    Application,
    Document,
    DocumentCounter,
    DocumentKind,
    ItemType,
    Licence,
)
from approvals.services.act_event import ActEvent
from approvals.services.commitments import commitment_verification_open
from approvals.services.documents import document_issue, licence_number
from approvals.services.licences import (
    licence_supersede_on_issue,
    licence_tell_holder,
    licence_valid_to,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notices import notice_licence_issued

LICENSING_TYPES = frozenset({ItemType.LICENCE, ItemType.PERMIT, ItemType.REGISTRATION})


# The answers that name the licensed scope, by the services' forms: a free text, or the ticked
# items of a list (食品经营许可: 经营项目).
# (医疗机构执业许可证: its scope is the 诊疗科目 licensed)
SCOPE_FIELDS = ("scope", "business_scope", "food_items", "clinical_departments")
# The registered particulars a 营业执照 prints, with their answers' keys in the registration forms.
BUSINESS_LICENCE_FIELDS = {
    "name": ("company_name", "trade_name"),
    "company_type": ("company_type",),
    "organisation": ("organisation",),
    "premises": ("registered_address", "premises_address"),
    "registered_capital": ("registered_capital",),
    "legal_representative": ("legal_representative_name",),
}


def _answer_labels(application: Application, key: str) -> tuple[str, str]:
    """An answer as printed: a choice by its labels in both languages, a list joined."""
    value = (application.data or {}).get(key)
    prop = (application.service_version.form_schema or {}).get("properties", {}).get(key, {})
    labels = prop.get("x-enum-labels") or {}
    values = value if isinstance(value, list) else [value]
    values = [v for v in values if v not in (None, "")]
    if not values:
        return "", ""
    zh = "、".join(str(labels.get(v, {}).get("zh") or v) for v in values)
    en = ", ".join(str(labels.get(v, {}).get("en") or v) for v in values)
    return zh, en


def _scope(application: Application) -> tuple[str, str]:
    """The licensed scope: what the applicant applied for (the first ``SCOPE_FIELDS`` answer in
    the form), else the service's name."""
    version = application.service_version
    for key in SCOPE_FIELDS:
        zh, en = _answer_labels(application, key)
        if zh.strip():
            return zh.strip()[:2000], ("" if en == zh else en.strip()[:2000])
    return version.name_zh, version.name_en


def _registered_particulars(application: Application) -> dict:
    """What a business licence (营业执照) prints beside the credit code, in both languages."""
    facts = {}
    for name, keys in BUSINESS_LICENCE_FIELDS.items():
        for key in keys:
            zh, en = _answer_labels(application, key)
            if zh:
                facts[name] = {"zh": zh, "en": en}
                break
    return facts


# Further answers a licence certificate prints when the form has them (食品经营许可证: 经营场所,
# 主体业态; 医疗机构执业许可证: 机构名称, 执业地址, 类别), each under its own title from the form.
CERTIFICATE_PARTICULARS = (
    "institution_name",
    "shop_name",
    "premises_address",
    "project_address",
    "address",
    "category",
)


def _certificate_particulars(application: Application) -> list[dict]:
    properties = (application.service_version.form_schema or {}).get("properties", {})
    rows = []
    for key in CERTIFICATE_PARTICULARS:
        zh, en = _answer_labels(application, key)
        if zh:
            prop = properties.get(key, {})
            rows.append(
                {
                    "label_zh": prop.get("x-title-zh") or prop.get("title") or key,
                    "label_en": prop.get("title") or key,
                    "zh": zh,
                    "en": "" if en == zh else en,
                }
            )
    return rows


def _registration_number(application: Application, department, year: int) -> str:
    """A registration's licence number is the credit code it assigns (GB 32100): category 2 for
    an individual business run by a person, 1 for an enterprise."""
    old = application.licence_to_supersede
    if old is not None:
        # A change keeps the registered subject, and so its credit code: the new entry is the
        # code's next edition (the register's numbers are unique).
        root = old.number.split("/")[0]
        editions = Licence.objects.filter(number__startswith=f"{root}/").count()
        return f"{root}/{editions + 2}"
    category = "2" if application.applicant_kind == ApplicantKind.PERSON else "1"
    if "company_name" in (application.service_version.form_schema or {}).get("properties", {}):
        category = "1"
    sequence = counter_next(
        DocumentCounter, key=f"uscc:{department.region_code[:6]}:{category}", year=0
    )
    return identifiers.registration_uscc(
        category=category, region_code=department.region_code, sequence=sequence
    )


def _tell_holder(application: Application, licence: Licence) -> None:
    # The holder as the register knows it (a business's administrators, its agents who see
    # everything, the filer while still a member), not whoever keyed the application in.
    licence_tell_holder(
        licence, notice_licence_issued(application, licence=licence), application=application
    )


@transaction.atomic
def _valid_to(version, data: dict, valid_from: datetime.date) -> datetime.date | None:
    """The licence's last day: the term its basis sets (``licence_valid_years``), or, where the
    permit is granted for the period the applicant asked (an outdoor sign's 设置期限), the date
    answered in the form field marked ``"x-licence-valid-to": true`` — never past the basis's
    term, and ignored when it lies before the licence starts."""
    by_basis = licence_valid_to(valid_from, version.licence_valid_years)
    for name, prop in (version.form_schema.get("properties") or {}).items():
        if prop.get("x-licence-valid-to") is not True:
            continue
        try:
            asked = datetime.date.fromisoformat(str(data.get(name) or ""))
        except ValueError:
            break
        if asked >= valid_from:
            return min(asked, by_basis) if by_basis else asked
        break
    return by_basis


def licence_issue(
    *, application: Application, actor: User | None, decision: Document | None = None
) -> Licence | None:
    """After an approval decision: enter the licence in the register, move the application to
    ``licence_issued`` and issue the certificate; close a filing instead. Idempotent: a second
    call returns the licence already issued. ``decision`` is the approval decision, which then
    cites the licence number (it is issued in the same transaction)."""
    application = Application.objects.select_related(
        "service_version__item__department", "person", "business"
    ).get(pk=application.pk)
    existing = Licence.objects.filter(application=application).first()
    if existing is not None:
        return existing
    version = application.service_version
    if version.item_type not in LICENSING_TYPES:
        application_transition(actor=actor, application=application, action=Action.CLOSE)
        return None

    department = version.item.department
    valid_from = application.decided_on or china_today()
    valid_to = _valid_to(version, application.data, valid_from)
    scope_zh, scope_en = _scope(application)
    is_business = application.applicant_kind == ApplicantKind.BUSINESS and application.business_id
    registration = version.item_type == ItemType.REGISTRATION
    number = (
        _registration_number(application, department, valid_from.year)
        if registration
        else licence_number(department, valid_from.year)
    )
    licence = Licence.objects.create(
        number=number,
        application=application,
        item=version.item,
        department=department,
        holder_kind="business" if is_business else "person",
        person=None if is_business else application.person,
        business=application.business if is_business else None,
        holder_name=application.business.name if is_business else application.person.real_name,
        scope_zh=scope_zh,
        scope_en=scope_en,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    # One act, one event: the application's ``application.issue_licence`` carries the status
    # change, the licence and the pledge's verification; the new register entry has its own
    # ``licence.issued`` fact (as a document has ``document.issued``), with what it supersedes.
    act = ActEvent(action=f"application.{Action.ISSUE_LICENCE}", obj=application, actor=actor)
    entry = ActEvent(
        action="licence.issued",
        obj=licence,
        actor=actor,
        changes={"application": [None, application.pk], "number": [None, licence.number]},
    )
    if application.licence_to_supersede_id is not None:
        # 变更 / 延续: the new licence takes the old one's place (a renewal continues its term),
        # before anything prints the dates.
        licence = licence_supersede_on_issue(new_licence=licence, actor=actor, act=entry)
        valid_from, valid_to = licence.valid_from, licence.valid_to
    entry.changes.setdefault("valid_from", [None, valid_from])
    entry.changes.setdefault("valid_to", [None, valid_to])
    application_transition(
        actor=actor,
        application=application,
        action=Action.ISSUE_LICENCE,
        changes={"licence": [None, licence.number]},
        act=act,
    )
    act.then(entry.record)  # the register entry's fact right after the act's event
    facts = {
        "licence_number": licence.number,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }
    if decision is not None and decision.licence_id is None:
        # The decision's public status then follows the licence (revoked, superseded, expired).
        decision.licence = licence
        decision.save(update_fields=["licence"])
    if decision is not None and not decision.sha256:
        decision.context.update(
            {
                "licence_number": licence.number,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat() if valid_to else "",
            }
        )
        decision.save(update_fields=["context"])
    _tell_holder(application, licence)
    certificate_title = {}
    if version.certificate_name_zh:
        certificate_title = {
            "title_zh": version.certificate_name_zh,
            "title_en": version.certificate_name_en or version.certificate_name_zh,
        }
    commitment_verification_open(actor=actor, licence=licence, act=act)  # 告知承诺: 事后核查
    act.record()
    document_issue(
        application=application,
        kind=DocumentKind.BUSINESS_LICENCE if registration else DocumentKind.LICENCE_CERTIFICATE,
        actor=actor,
        licence=licence,
        extra={
            **facts,
            **certificate_title,
            "credit_code": licence.number.split("/")[0] if registration else "",
            "registered": _registered_particulars(application) if registration else {},
            "particulars": [] if registration else _certificate_particulars(application),
            "holder_name": licence.holder_name,
            "scope_zh": scope_zh,
            "scope_en": scope_en,
            "decision_number": decision.number if decision is not None else "",
        },
    )
    return licence
