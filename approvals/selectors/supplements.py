"""The supplement notices of an application as the officials' pages show them (the window's
page and the reviewer's task page alike): each item named in the reader's language, and each
corrected answer as before → after."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from approvals.dynamic_forms.labels import display_value, title_of
from approvals.models import Application, SupplementRequest


def supplement_notices(application: Application) -> list[SupplementRequest]:
    """Newest first, each with ``rows``: ``label`` (the material's or the field's name),
    ``problem`` and, for an answer to correct, ``corrected``, ``before`` and ``after``. Two
    queries, however many notices and items; none for what the page read already (the
    version's materials, the application's notices: kept with them as prefetches)."""
    properties = application.service_version.form_schema.get("properties", {})
    prefetch_related_objects([application.service_version], "materials")
    prefetch_related_objects([application], "supplement_requests")
    materials = {m.key: m.name for m in application.service_version.materials.all()}
    notices = sorted(
        application.supplement_requests.all(),
        key=lambda notice: (notice.created_at, notice.pk),
        reverse=True,
    )
    for notice in notices:
        notice.rows = []
        for item in notice.items:
            prop = properties.get(item.get("field") or "")
            row = {"problem": item["problem"], "label": materials.get(item.get("material"), "")}
            if prop is not None:
                row["label"] = title_of(prop)
                row["corrected"] = "after" in item
                row["before"] = display_value(prop, item.get("before"))
                row["after"] = display_value(prop, item.get("after"))
            notice.rows.append(row)
    return notices
