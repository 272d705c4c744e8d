"""Reads of issued documents: an application's documents, one document for a viewer, one by its
verification code (public)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import User
from approvals.models import Application, Document
from approvals.models.documents import VERIFICATION_ALPHABET, VERIFICATION_CODE_LENGTH
from approvals.selectors import policy


def application_documents(application: Application) -> list[Document]:
    """The application's documents in the order they were issued (one query). The caller has
    already authorised the application."""
    return list(
        Document.objects.filter(application=application)
        .select_related("licence")
        .order_by("issued_at", "pk")
    )


def get_document_for_viewer(user: User, pk: int) -> Document:
    """The document ``pk`` if ``user`` may take a copy of its application's files (the
    applicant side, the window once submitted, an official on the case); otherwise ``Http404``,
    as for a document that does not exist."""
    document = (
        Document.objects.select_related(
            "application__person",
            "application__business",
            "application__service_version__item__department",
            "department",
        )
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    try:
        policy.require_attachment_download(user, document.application)
    except PermissionDenied:
        raise Http404 from None
    return document


def normalise_verification_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def find_document_by_code(code: str) -> Document | None:
    """The document with this verification code, or ``None`` (also for a malformed code, which
    costs no query)."""
    code = normalise_verification_code(code)
    if len(code) != VERIFICATION_CODE_LENGTH or set(code) - set(VERIFICATION_ALPHABET):
        return None
    return (
        Document.objects.select_related(
            "department", "licence", "application__service_version", "superseded_by"
        )
        .filter(verification_code=code)
        .first()
    )


def get_document_for_correction(user: User, pk: int) -> Document:
    """The document ``pk`` if ``user`` may issue its corrected edition (the issuing department's
    head or approver); otherwise ``Http404``, as for a document that does not exist."""
    document = (
        Document.objects.select_related("department", "licence", "application", "supersedes")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    try:
        policy.require_document_correct(user, document)
    except PermissionDenied:
        raise Http404 from None
    return document
