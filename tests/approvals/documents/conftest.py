"""Documents of the city food licence (the intake package's service, window and applicant), and
helpers to read the PDFs back."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from approvals.models import Document
from approvals.services.documents import document_issue, document_render
from tests.approvals.intake.conftest import (  # noqa: F401 (fixtures)
    bureau,
    citizen,
    clerk,
    make_submitted,
    reviewer,
    submitted,
    version,
    window,
)
from tests.approvals.review.conftest import (  # noqa: F401 (fixtures)
    demo,
    make_accepted,
    started,
    task_of,
)

CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _working_day_in_2026():
    """A fixed clock: Wednesday 10 June 2026, 10:00 in China (the calendar covers 2026)."""
    with time_machine.travel(dt.datetime(2026, 6, 10, 10, 0, tzinfo=CHINA), tick=False):
        yield


@pytest.fixture
def decided(submitted):  # noqa: F811 (the imported fixture)
    """The submitted application, accepted and decided (dates the decisions print)."""
    submitted.accepted_on = dt.date(2026, 6, 1)
    submitted.received_on = dt.date(2026, 5, 29)
    submitted.decided_on = dt.date(2026, 6, 15)
    submitted.decision_due_on = dt.date(2026, 6, 29)
    submitted.save(update_fields=["accepted_on", "received_on", "decided_on", "decision_due_on"])
    return submitted


def issue(application, kind, **kwargs) -> Document:
    return document_issue(application=application, kind=kind, **kwargs)


def rendered(document: Document) -> Document:
    return document_render(document_id=document.pk)


def pdf_bytes(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for font in fonts.values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def squeezed(text: str) -> str:
    """Without whitespace: line breaks and letter spacing fall anywhere in extracted text."""
    return "".join(text.split())
