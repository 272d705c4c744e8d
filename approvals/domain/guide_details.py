"""The lists a service guide carries besides its text (Art. 30 and practice): the channels to apply
through, the frequently asked questions and the legal basis as links. They are JSON on the version,
edited in the admin and carried by export files, so each is checked here, with every problem and its
JSON path at once (as the workflow definition is).

Links go only to http or https addresses: a guide is public, and a ``javascript:`` or ``data:``
link in it would run in every reader's browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

CHANNEL_KINDS = ("online", "offline")
URL_MAX_LENGTH = 500
TEXT_MAX_LENGTH = 2000

# field -> (required keys, optional keys, keys holding a URL)
_SHAPES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "channels": (("kind", "name_zh", "name_en"), ("url",), ("url",)),
    "faq": (("question_zh", "question_en", "answer_zh", "answer_en"), (), ()),
    "legal_basis_links": (("title_zh", "title_en", "url"), (), ("url",)),
}
GUIDE_LIST_FIELDS = tuple(_SHAPES)


def is_web_address(value: str) -> bool:
    """True for an absolute http or https address with a host and nothing that could hide
    another meaning (spaces, control characters)."""
    if not value or len(value) > URL_MAX_LENGTH or any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def guide_list_problems(field: str, value: Any) -> list[str]:
    """Every problem of the list ``value`` stored in ``field`` (one of ``GUIDE_LIST_FIELDS``),
    each as "path: message"; empty when it is fine."""
    required, optional, urls = _SHAPES[field]
    if not isinstance(value, list):
        return [f"$: {field} must be a list"]
    problems: list[str] = []
    for index, entry in enumerate(value):
        path = f"$[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{path}: must be an object")
            continue
        for key in sorted(entry.keys() - {*required, *optional}, key=str):
            problems.append(f"{path}.{key}: is not a known field")
        for key in required:
            if key not in entry:
                problems.append(f"{path}.{key}: is required")
        for key in (*required, *optional):
            text = entry.get(key)
            if key not in entry or (key in optional and text == ""):
                continue
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{path}.{key}: must be a non-empty text")
            elif len(text) > TEXT_MAX_LENGTH:
                problems.append(f"{path}.{key}: is longer than {TEXT_MAX_LENGTH} characters")
            elif key in urls and not is_web_address(text):
                problems.append(f"{path}.{key}: must be an http or https address")
        if field == "channels" and "kind" in entry and entry["kind"] not in CHANNEL_KINDS:
            problems.append(f"{path}.kind: must be one of {', '.join(CHANNEL_KINDS)}")
    return problems


def visits_label_key(visits: int | None) -> str:
    """Which of the usual names fits the number of trips: "zero" (零跑动), "one" (最多跑一次),
    "many" (n trips) or "" (not stated)."""
    if visits is None:
        return ""
    return {0: "zero", 1: "one"}.get(visits, "many")
