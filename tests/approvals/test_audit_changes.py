"""The supervisors' timeline speaks plain language: every field the code base records in an
event's ``changes`` has a label, and the timeline renders each change as a sentence in English
and Chinese; no raw field name (``prefilled``, ``revision: 1 → 2``) reaches the page, for any
event type the code writes."""

import ast
import html
import math
import re

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.selectors.audit_labels import FIELD_LABELS, HIDDEN_FIELDS, change_sentences
from audit.chain import audit_record
from audit.models import AuditEvent
from tests.approvals.supervision.conftest import (  # noqa: F401 (fixtures)
    _signing_key,
    city,
    under_review,
)
from tests.approvals.support import ROOT, written_codes


def _dict_keys(node) -> list[str]:
    if isinstance(node, ast.Dict):
        keys = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # **{...}
                keys += _dict_keys(value)
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.append(key.value)
        return keys
    if isinstance(node, ast.IfExp):
        return _dict_keys(node.body) + _dict_keys(node.orelse)
    return []


def written_change_fields() -> set[str]:
    """The keys of every ``changes={...}`` literal, and of every dict assigned to a name with
    "change" in it (or one of its items), in the sources."""
    fields: set[str] = set()
    for app in ("approvals", "accounts", "portal"):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "changes":
                    fields.update(_dict_keys(node.value))
                elif isinstance(node, ast.Assign | ast.AnnAssign):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for target in targets:
                        if isinstance(target, ast.Name) and "change" in target.id:
                            fields.update(_dict_keys(node.value))
                        elif (
                            isinstance(target, ast.Subscript)
                            and isinstance(target.value, ast.Name)
                            and "change" in target.value.id
                            and isinstance(target.slice, ast.Constant)
                        ):
                            fields.add(target.slice.value)
    return fields


def test_the_scan_finds_the_fields_the_services_write():
    fields = written_change_fields()
    assert {"status", "revision", "prefilled", "accepted_on", "window_stage_passed"} <= fields
    assert len(fields) > 100


def test_every_written_field_has_a_label():
    missing = sorted(written_change_fields() - FIELD_LABELS.keys() - HIDDEN_FIELDS)
    assert missing == []


def test_changes_read_as_sentences_in_both_languages():
    event = AuditEvent(
        action="intake.accepted",
        object_type="approvals.application",
        changes={
            "status": ["submitted", "accepted"],
            "revision": [1, 2],
            "accepted_on": [None, "2025-03-04"],
            "prefilled": [None, ["name", "mobile"]],
            "deemed_accepted": [True, False],
        },
    )
    with translation.override("en"):
        assert change_sentences(event) == [
            "Accepted on set to 2025-03-04.",
            "Deemed accepted (Art. 32) changed from Yes to No.",
            "Answers filled in from the registries set to name, mobile.",
            "Status changed from Submitted, awaiting intake to Accepted.",
        ]
    with translation.override("zh-hans"):
        sentences = change_sentences(event)
    assert "状态由已提交，待受理改为已受理。" in sentences or any(
        s.startswith("状态由") and s.endswith("改为已受理。") for s in sentences
    )
    assert all("revision" not in s for s in sentences)


def test_a_field_the_admin_records_is_named_by_the_models_verbose_name():
    event = AuditEvent(
        action="admin.change",
        object_type="approvals.calendarday",
        changes={"kind": ["holiday", "makeup_workday"]},
    )
    with translation.override("en"):
        (sentence,) = change_sentences(event)
    assert sentence.startswith("Kind changed from ")


@pytest.fixture
def supervisor_client(city, verified_client_factory):  # noqa: F811
    return verified_client_factory(city.supervisor)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_no_raw_field_name_reaches_the_timeline_for_any_event_type(
    under_review,  # noqa: F811
    supervisor_client,
    language,
):
    # Given one event of every type the code writes, on the application, its changes covering
    # every field the code records (numbers as values, so that only a field name could show)
    application = under_review.application
    codes = sorted(written_codes())
    fields = sorted(written_change_fields())
    per_event = math.ceil(len(fields) / len(codes)) + 1
    for index, code in enumerate(codes):
        chosen = [fields[(index * per_event + n) % len(fields)] for n in range(per_event)]
        audit_record(
            action=code,
            obj=application,
            changes={field: [index, index + 1] for field in chosen},
        )
    # When the supervisor reads its timeline, page after page
    url = reverse("admin:audit_auditevent_timeline", args=[application.pk])
    cells, number = [], 1
    while True:
        response = supervisor_client.get(url, {"page": number}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        page = response.content.decode()
        start = page.index('<table id="timeline"')
        table = page[start : page.index("</table>", start)]
        cells += re.findall(r'<ul class="differences">(.*?)</ul>', table, re.S)
        if 'rel="next"' not in page:
            break
        number += 1
    assert number > 1  # more events than one page holds
    # Then every event's changes are sentences that begin with a field's label, and no field's
    # raw name (snake_case, "prefilled", "revision: 1 → 2") is among them
    assert len(cells) >= len(codes)
    sentences = [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", "".join(cells))]
    with translation.override(language):
        labels = {str(FIELD_LABELS[field]) for field in fields if field not in HIDDEN_FIELDS}
    assert all(any(s.startswith(label) for label in labels) for s in sentences), [
        s for s in sentences if not any(s.startswith(label) for label in labels)
    ]
    for label in labels:
        assert any(s.startswith(label) for s in sentences), label
    for field in fields:
        if "_" in field or field in HIDDEN_FIELDS or field == "prefilled":
            assert not re.search(rf"\b{re.escape(field)}\b", " ".join(sentences)), field
    assert "→" not in "".join(sentences)


def test_stages_are_named_and_an_unchanged_value_is_stated_once():
    event = AuditEvent(
        action="workflow.advance",
        object_type="approvals.application",
        changes={"stage": ["joint_review", "joint_review"], "return_to": [None, "intake"]},
    )
    names = {"joint_review": "Joint review", "intake": "Window intake"}
    with translation.override("en"):
        assert change_sentences(event, names) == [
            "Returned to stage set to Window intake.",
            "Stage: Joint review.",
        ]


@pytest.mark.parametrize(
    "page, english",
    [
        ("task", "the task page"),
        ("intake", "the window's intake page"),
        ("timeline", "the timeline in the admin"),
    ],
)
def test_the_page_a_case_file_was_opened_on_reads_in_words(page, english):
    event = AuditEvent(
        action="application.viewed",
        object_type="approvals.application",
        changes={"page": [None, page]},
    )
    with translation.override("en"):
        assert change_sentences(event) == [f"Page opened set to {english}."]
    with translation.override("zh-hans"):
        [sentence] = change_sentences(event)
    assert page not in sentence and "page" not in sentence
