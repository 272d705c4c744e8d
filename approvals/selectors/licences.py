"""Reads of the licence register, permission filters inside: the holder's licences, the issuing
department's register, the licences an application may cite (材料复用), and the public list of
approval decisions (Art. 40). Every list costs a fixed number of queries."""

import dataclasses
import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.identifiers import mask_person_name
from accounts.models import Department, User
from approvals.domain.china_time import china_today
from approvals.models import (
    CERTIFICATE_KINDS,
    Application,
    ApplicationStatus,
    Commitment,
    CommitmentStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    Licence,
    LicenceStatus,
)
from approvals.selectors import policy


def verification_path(code: str) -> str:
    """The public verification page of a document."""
    return reverse("approvals:document_verify", args=[code])


def revoked_for_false_pledge(licence_id: int | None) -> bool:
    """Whether the licence was revoked because its pledge (告知承诺) was found false. The
    commitment row says so (a pledge found false revokes its licence in the same act, and only a
    valid licence can be revoked); the licence's ``status_reason`` then holds the finding alone."""
    return (
        licence_id is not None
        and Commitment.objects.filter(licence_id=licence_id, status=CommitmentStatus.FALSE).exists()
    )


def status_reason_text(reason: str, *, false_pledge: bool) -> str:
    """The stored reason for a licence's (or its certificate's) status as its reader reads it, in
    the active language: a false pledge's finding says what it is in the reader's words, not in
    those of the official who verified it."""
    if false_pledge and reason:
        return _("False pledge (告知承诺) found at verification: %(finding)s") % {"finding": reason}
    return reason


def licence_status_reason(licence: Licence) -> str:
    """The reason for the licence's status, in the active language (one query when revoked)."""
    false_pledge = licence.status == LicenceStatus.REVOKED and revoked_for_false_pledge(licence.pk)
    return status_reason_text(licence.status_reason, false_pledge=false_pledge)


def document_status_reason(document: Document) -> str:
    """The reason for a certificate's status, in the active language: a certificate revoked with
    its licence reads as the licence does."""
    false_pledge = document.status == DocumentStatus.REVOKED and revoked_for_false_pledge(
        document.licence_id
    )
    return status_reason_text(document.status_reason, false_pledge=false_pledge)


def _certificates() -> Prefetch:
    return Prefetch(
        "documents",
        queryset=Document.objects.filter(kind__in=CERTIFICATE_KINDS).order_by("-edition", "-pk"),
        to_attr="certificates",
    )


def _licences() -> QuerySet[Licence]:
    return Licence.objects.select_related(
        "item", "department", "application__service_version", "person", "business"
    ).prefetch_related(_certificates())


def certificate(licence: Licence) -> Document | None:
    """The licence's newest certificate (from the prefetch when the list loaded it)."""
    certificates = getattr(licence, "certificates", None)
    if certificates is None:
        # ``.all()`` uses a ``prefetch_related("documents")`` when there is one.
        certificates = sorted(
            (d for d in licence.documents.all() if d.kind in CERTIFICATE_KINDS),
            key=lambda d: (d.edition, d.pk),
            reverse=True,
        )
    return certificates[0] if certificates else None


# --- The holder ---------------------------------------------------------------------------------


def licences_for_holder(user: User) -> QuerySet[Licence]:
    """The licences ``user`` holds or sees for a business, newest first."""
    return _licences().filter(policy.licence_holder_visibility(user)).order_by("-issued_at", "-pk")


def get_licence_for_holder(user: User, pk) -> Licence:
    licence = licences_for_holder(user).filter(pk=pk).first()
    if licence is None:
        raise Http404
    return licence


def get_licence(pk) -> Licence | None:
    """A licence by its id as typed into a form, or ``None``; the service that uses it decides
    whether the user may (``attachment_cite_licence`` checks that the applicant holds it)."""
    pk = str(pk or "")
    return (
        Licence.objects.select_related("item").filter(pk=int(pk)).first() if pk.isdigit() else None
    )


def citable_licences(application: Application, item_codes: set[str]) -> dict[str, list[Licence]]:
    """The applicant's licences in force today of the given service items, by item code (one
    query): the person's for a person's application, the business's for a business's."""
    if not item_codes:
        return {}
    today = china_today()
    queryset = Licence.objects.select_related("item").filter(
        item__code__in=item_codes, status=LicenceStatus.VALID
    )
    queryset = queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if application.business_id is not None:
        queryset = queryset.filter(business_id=application.business_id)
    else:
        queryset = queryset.filter(holder_kind="person", person_id=application.person_id)
    by_code: dict[str, list[Licence]] = {}
    for licence in queryset.order_by("-issued_at", "-pk"):
        by_code.setdefault(licence.item.code, []).append(licence)
    return by_code


# --- The issuing department ---------------------------------------------------------------------


def licences_for_official(user: User, *, number: str = "") -> QuerySet[Licence]:
    """The register of the departments where ``user`` works (reviewer, approver, head)."""
    queryset = _licences().filter(department_id__in=policy.licence_register_department_ids(user))
    number = (number or "").strip()
    if number:
        queryset = queryset.filter(number__icontains=number)
    return queryset.order_by("-issued_at", "-pk")


def get_licence_for_official(user: User, pk) -> Licence:
    licence = licences_for_official(user).filter(pk=pk).first()
    if licence is None:
        raise Http404
    return licence


# --- Published decisions (Art. 40) --------------------------------------------------------------


def decision_departments() -> list[Department]:
    """The departments that implement services, for the search form (one query)."""
    return list(
        Department.objects.filter(is_active=True, service_items__isnull=False)
        .distinct()
        .order_by("code")
    )


@dataclasses.dataclass(frozen=True)
class DecisionFilters:
    service: str = ""  # item code or part of the service's name
    department_id: int | None = None
    holder: str = ""  # part of a business's name; persons' names are never searched
    licence_number: str = ""
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None


@dataclasses.dataclass
class DecisionPage:
    rows: list[dict]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


APPROVED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.LICENCE_ISSUED)


def _approved_applications() -> QuerySet[Application]:
    # A closed application was approved when it has a licence or an approval decision.
    decision = Document.objects.filter(
        application=OuterRef("pk"), kind=DocumentKind.APPROVAL_DECISION
    )
    licence = Licence.objects.filter(application=OuterRef("pk"))
    return Application.objects.filter(
        Q(status__in=APPROVED_STATUSES)
        | Q(status=ApplicationStatus.CLOSED, decided_on__isnull=False)
        & (Exists(licence) | Exists(decision))
    ).filter(decided_on__isnull=False)


def published_decisions(filters: DecisionFilters, *, page: int = 1, per_page: int = 25):
    """One page of approval decisions, newest first, with the holder's name masked for natural
    persons (businesses in full). No count of the whole list: one query fetches a row more than
    the page to know whether there is a next one."""
    queryset = _approved_applications().select_related(
        "service_version__item__department", "business", "person", "licence"
    )
    if filters.service:
        term = filters.service.strip()
        queryset = queryset.filter(
            Q(service_version__item__code__iexact=term)
            | Q(service_version__name_zh__icontains=term)
            | Q(service_version__name_en__icontains=term)
        )
    if filters.department_id:
        queryset = queryset.filter(service_version__item__department_id=filters.department_id)
    if filters.holder:
        # Persons' names are masked on the page; searching by them would unmask them.
        queryset = queryset.filter(business__name__icontains=filters.holder.strip())
    if filters.licence_number:
        queryset = queryset.filter(licence__number__icontains=filters.licence_number.strip())
    if filters.decided_from:
        queryset = queryset.filter(decided_on__gte=filters.decided_from)
    if filters.decided_to:
        queryset = queryset.filter(decided_on__lte=filters.decided_to)
    page = max(page, 1)
    start = (page - 1) * per_page
    found = list(queryset.order_by("-decided_on", "-pk")[start : start + per_page + 1])
    return DecisionPage(
        rows=[_decision_row(application) for application in found[:per_page]],
        number=page,
        has_next=len(found) > per_page,
    )


def _decision_row(application: Application) -> dict:
    licence = getattr(application, "licence", None) if _has_licence(application) else None
    if application.business_id is not None:
        holder = application.business.name
    else:
        holder = mask_person_name(application.person.real_name if application.person else "")
    return {
        "service": application.service_version.name,
        "department": application.service_version.item.department.name,
        "holder": holder,
        "decided_on": application.decided_on,
        "licence_number": licence.number if licence else "",
        "licence_status": licence.effective_status_label if licence else "",
    }


def _has_licence(application: Application) -> bool:
    try:
        return application.licence is not None
    except Licence.DoesNotExist:
        return False


# --- A change (变更) against its licence ----------------------------------------------------------


def changes_from_licence(application: Application) -> dict | None:
    """For a change or renewal application, the licence it follows and the answers that differ
    from the licence's own application, for the official reviewing it (two queries); ``None``
    for any other application. The caller has authorised the application."""
    if application.licence_to_supersede_id is None:
        return None
    from approvals import dynamic_forms

    licence = Licence.objects.select_related("application").get(
        pk=application.licence_to_supersede_id
    )
    return {
        "licence": licence,
        "action": application.get_licence_action_display(),
        "rows": dynamic_forms.summary_differences(
            application.service_version.form_schema, licence.application.data, application.data
        ),
    }
