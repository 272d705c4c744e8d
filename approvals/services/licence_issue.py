"""Issuing the licence on approval (Art. 44: within 10 working days of the decision; the portal
issues it at once, with no manual step).

An approved licence, permit or registration becomes an entry of the electronic licence register
(``Licence``), the application moves to ``licence_issued``, and the licence certificate (许可证) is
issued as a sealed document. A filing (备案) issues no licence: its application is closed.

The register's later lifecycle (revocation, change, renewal, reminders) is in
``approvals/services/licences.py``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from accounts.models import User
from approvals.audit import audit_record
from approvals.domain.lifecycle import Action
from approvals.models import (
    ApplicantKind,
    Application,
    Document,
    DocumentKind,
    ItemType,
    Licence,
)
from approvals.services.commitments import commitment_verification_open
from approvals.services.documents import china_today, document_issue, licence_number
from approvals.services.licences import (
    licence_supersede_on_issue,
    licence_tell_holder,
    licence_valid_to,
)
from approvals.services.lifecycle import application_transition
from approvals.services.notifications import message

LICENSING_TYPES = frozenset({ItemType.LICENCE, ItemType.PERMIT, ItemType.REGISTRATION})


def _scope(application: Application) -> tuple[str, str]:
    """The licensed scope: what the applicant applied for (a ``scope`` answer in the form),
    else the service's name."""
    version = application.service_version
    answered = str((application.data or {}).get("scope") or "").strip()
    if answered:
        return answered[:2000], ""
    return version.name_zh, version.name_en


def _tell_holder(application: Application, licence: Licence) -> None:
    params = {
        "licence": licence.number,
        "service": lazy(lambda: application.service_version.name, str)(),
        "valid_to": licence.valid_to.isoformat() if licence.valid_to else "",
    }
    if licence.valid_to:
        body = gettext_lazy(
            "Licence %(licence)s for %(service)s has been issued, valid until %(valid_to)s. "
            "The certificate, sealed as a PDF, is on the application's page."
        )
    else:
        body = gettext_lazy(
            "Licence %(licence)s for %(service)s has been issued, without end date. The "
            "certificate, sealed as a PDF, is on the application's page."
        )
    # The holder as the register knows it (a business's administrators, its agents who see
    # everything, the filer while still a member), not whoever keyed the application in.
    licence_tell_holder(
        licence,
        kind="licence.issued",
        title=message(gettext_lazy("Licence issued: %(licence)s"), **params),
        body=message(body, **params),
        application=application,
    )


@transaction.atomic
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
    valid_to = licence_valid_to(valid_from, version.licence_valid_years)
    scope_zh, scope_en = _scope(application)
    is_business = application.applicant_kind == ApplicantKind.BUSINESS and application.business_id
    licence = Licence.objects.create(
        number=licence_number(department, valid_from.year),
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
    if application.licence_to_supersede_id is not None:
        # 变更 / 延续: the new licence takes the old one's place (a renewal continues its term),
        # before anything prints the dates.
        licence = licence_supersede_on_issue(new_licence=licence, actor=actor)
        valid_from, valid_to = licence.valid_from, licence.valid_to
    application_transition(
        actor=actor,
        application=application,
        action=Action.ISSUE_LICENCE,
        changes={"licence": [None, licence.number]},
    )
    audit_record(
        action="licence.issued",
        actor=actor,
        obj=licence,
        changes={
            "application": [None, application.pk],
            "number": [None, licence.number],
            "valid_from": [None, valid_from],
            "valid_to": [None, valid_to],
        },
    )
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
    commitment_verification_open(actor=actor, licence=licence)  # 告知承诺: 事后核查
    document_issue(
        application=application,
        kind=DocumentKind.LICENCE_CERTIFICATE,
        actor=actor,
        licence=licence,
        extra={
            **facts,
            "holder_name": licence.holder_name,
            "scope_zh": scope_zh,
            "scope_en": scope_en,
            "decision_number": decision.number if decision is not None else "",
        },
    )
    return licence
