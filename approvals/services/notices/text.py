"""What every notice is made of: ``NoticeText`` (its kind, link and lazy texts) and the
parameters most notices share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import lazy

from approvals.models import Application


@dataclass(frozen=True)
class NoticeText:
    """A notice ready for ``notify``/``tell_applicant``/``notify_many``: the texts are lazy
    (rendered in the recipient's language when the notification is written)."""

    kind: str
    title: object
    body: object
    link: str = ""

    def fields(self) -> dict:
        return {"kind": self.kind, "title": self.title, "body": self.body, "link": self.link}


def lazy_text(compute: Callable[[], str]):
    """A parameter computed in the language active when the text is rendered."""
    return lazy(compute, str)()


def application_params(application: Application) -> dict:
    version = application.service_version
    return {
        "service": lazy_text(lambda: version.name),
        "number": application.tracking_number or "",
    }


def detail_link(application: Application) -> str:
    return reverse("approvals:application_detail", args=[application.pk])
