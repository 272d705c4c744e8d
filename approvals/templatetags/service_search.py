"""``{% load service_search %}``: ``text|highlight:words`` — ``text`` escaped, with every
occurrence of the matched words wrapped in ``<mark>`` (which screen readers can announce)."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, words) -> str:
    text = str(text or "")
    wanted = sorted({w for w in words or () if w and len(w) > 1}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in wanted), re.IGNORECASE)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[start : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        start = match.end()
    pieces.append(escape(text[start:]))
    return mark_safe("".join(pieces))  # noqa: S308 -- every piece escaped above


@register.filter
def matched_words(version) -> list[str]:
    """The words a search matched in ``version`` (none when it was listed, not searched)."""
    return getattr(version, "matched_words", [])
