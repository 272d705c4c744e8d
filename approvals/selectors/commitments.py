"""Reads of 告知承诺 pledges: the department's verification queue, one pledge for its verifier,
and the applicant's record of false pledges."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from approvals.models import Application, Commitment, CommitmentStatus
from approvals.selectors import policy


def _commitments() -> QuerySet[Commitment]:
    return Commitment.objects.select_related(
        "application__service_version", "application__person", "application__business", "licence"
    )


def commitments_to_verify(user: User) -> QuerySet[Commitment]:
    """The pledges due for verification in ``user``'s departments, the most urgent first."""
    return (
        _commitments()
        .filter(
            status=CommitmentStatus.VERIFYING,
            department_id__in=policy.commitment_verifier_department_ids(user),
        )
        .order_by("verification_due_on", "pk")
    )


def get_commitment_for_verifier(user: User, pk: int) -> Commitment:
    """The pledge ``pk`` if ``user`` verifies for its department; ``Http404`` otherwise."""
    commitment = _commitments().filter(pk=pk).first()
    if commitment is None:
        raise Http404
    try:
        policy.require_commitment_verifier(user, commitment)
    except PermissionDenied as exc:
        raise Http404 from exc
    return commitment


def applicant_false_commitments(application: Application) -> list[Commitment]:
    """The applicant's record: pledges found false on their other applications."""
    if application.business_id is not None:
        same_applicant = {"application__business_id": application.business_id}
    elif application.person_id is not None:
        same_applicant = {"application__person_id": application.person_id}
    else:
        return []
    return list(
        _commitments()
        .filter(status=CommitmentStatus.FALSE, **same_applicant)
        .exclude(application_id=application.pk)
        .order_by("-verified_at")
    )
