"""Building POST data and rendering step forms the way a page does."""

from django.http import QueryDict
from django.template.loader import render_to_string
from django.test.html import parse_html


def post_data(fields: dict | None = None, **groups: list[dict]) -> QueryDict:
    """POST data as a browser sends it: lists for checkboxes, a management form per group."""
    data = QueryDict(mutable=True)
    for name, value in (fields or {}).items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    for group, rows in groups.items():
        data[f"{group}-TOTAL_FORMS"] = str(len(rows))
        data[f"{group}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for sub, value in row.items():
                data[f"{group}-{index}-{sub}"] = value
    return data


def render_fields(form) -> str:
    return render_to_string("approvals/dynamic_forms/step_fields.html", {"form": form})


def render_error_summary(form) -> str:
    return render_to_string("includes/form_errors.html", {"form": form})


def contains_html(html: str, snippet: str) -> bool:
    return parse_html(snippet) in parse_html(html)
