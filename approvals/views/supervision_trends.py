"""Supervision you can read at a glance (issue 18), for supervisors only:

- ``/supervision/trends/``: received, decided, on-time rate, late decisions and ratings per day,
  week or month over a chosen period, for all departments or one; each column links to the list
  behind it;
- ``/supervision/trends/cases/``: that list (the applications a column counts), a page at a time;
  ``/supervision/trends/ratings/``: the ratings a satisfaction column counts;
- ``/supervision/workload/``: the department tree with each node's open work and cards, and one
  department's open work per official.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from accounts.models import Department
from approvals.domain.china_time import china_today
from approvals.domain.trend_periods import DAY, MONTH, WEEK
from approvals.forms.supervision import TrendCasesForm, TrendForm, TrendRatingsForm
from approvals.selectors.supervision import Period, localized_name
from approvals.selectors.supervision_trends import (
    department_tree,
    official_workload,
    trend_cases,
    trend_ratings,
    trends,
)
from approvals.views.charts import column_chart
from approvals.views.work import official_required

TREND_DEFAULT_DAYS = 12 * 7 - 1  # twelve weeks, today included


def _departments() -> list[tuple[int, str]]:
    rows = Department.objects.filter(is_active=True).values_list("pk", "name_zh", "name_en")
    return sorted(((pk, localized_name(zh, en)) for pk, zh, en in rows), key=lambda r: r[1])


def _labels(start: dt.date, end: dt.date, granularity: str) -> tuple[str, str]:
    """The axis's short label and the table's full one."""
    if granularity == MONTH:
        return f"{start:%Y-%m}", f"{start:%Y-%m}"
    if granularity == WEEK:
        return f"{start:%m-%d}", f"{start:%Y-%m-%d} – {end:%Y-%m-%d}"
    return f"{start:%m-%d}", f"{start:%Y-%m-%d}"


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


@official_required("supervisor")
@require_GET
def trends_page(request):
    today = china_today()
    departments = _departments()
    default = Period(today - dt.timedelta(days=TREND_DEFAULT_DAYS), today)
    typed = any(name in request.GET for name in ("start", "end", "granularity", "department"))
    if typed:
        # What was not typed is the default (a link back from a list names the department only).
        query = request.GET.copy()
        for name, value in (("start", default.start), ("end", default.end), ("granularity", WEEK)):
            query.setdefault(name, str(value))
        form = TrendForm(query, departments=departments)
        valid = form.is_valid()
    else:
        form = TrendForm(
            initial={"start": default.start, "end": default.end, "granularity": WEEK},
            departments=departments,
        )
        valid = False
    if valid:
        period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
        granularity = form.cleaned_data["granularity"]
        department_id = form.cleaned_data["department"]
    else:
        period, granularity, department_id = default, WEEK, None
    points = trends(period, granularity, department_id=department_id, today=today)
    heading = {DAY: pgettext("period", "Day"), WEEK: _("Week"), MONTH: _("Month")}[granularity]

    def cases(kind, point) -> str:
        query = {"kind": kind, "start": point.bucket.start, "end": point.bucket.end}
        if department_id is not None:
            query["department"] = department_id
        if kind == "rated":
            del query["kind"]
            return f"{reverse('approvals:supervision_trend_ratings')}?{urlencode(query)}"
        return f"{reverse('approvals:supervision_trend_cases')}?{urlencode(query)}"

    def chart(chart_id, title, series, values, kinds, maximum=None):
        slots = []
        for point in points:
            short, full = _labels(point.bucket.start, point.bucket.end, granularity)
            slots.append(
                (
                    short,
                    full,
                    values(point),
                    [cases(kind, point) if kind else "" for kind in kinds],
                )
            )
        return column_chart(
            chart_id=chart_id,
            title=title,
            slots=slots,
            series=series,
            label_heading=heading,
            maximum=maximum,
        )

    charts = [
        chart(
            "trend-volume",
            _("Applications received and decided"),
            [("received", _("Applications received")), ("decided", _("Applications decided"))],
            lambda p: [p.received, p.decided],
            ["received", "decided"],
        ),
        chart(
            "trend-late",
            _("Decided late (after the statutory due date)"),
            [("red", _("Decided late"))],
            lambda p: [p.late],
            ["late"],
        ),
        chart(
            "trend-on-time",
            _("Decided on time (%)"),
            [("rate", _("On time (%)"))],
            lambda p: [_percent(p.on_time_rate)],
            ["decided"],
            maximum=100,
        ),
        chart(
            "trend-satisfaction",
            _("Satisfied ratings (4 or 5 of 5) (%)"),
            [("rate", _("Satisfied (%)"))],
            lambda p: [_percent(p.satisfaction_rate)],
            ["rated"],
            maximum=100,
        ),
    ]
    department_name = dict(departments).get(department_id, "")
    return render(
        request,
        "approvals/supervision/trends.html",
        {
            "form": form,
            "period": period,
            "granularity": granularity,
            "department_name": department_name,
            "charts": charts,
        },
        status=400 if typed and not valid else 200,
    )


def _list_context(request, data: dict, next_after) -> dict:
    """What the lists behind a column share: their scope (dates, department), the links to the
    next and the first page (the same query with another ``after``), and back to the trends of
    the department."""
    query = request.GET.copy()
    query.pop("after", None)
    first_query = query.urlencode() if data["after"] else ""
    next_query = ""
    if next_after:
        query["after"] = next_after
        next_query = query.urlencode()
    back = {"department": data["department"]} if data["department"] else {}
    return {
        "start": data["start"],
        "end": data["end"],
        "department_name": _department_name(data["department"]),
        "next_query": next_query,
        "first_query": first_query,
        "back_query": urlencode(back),
    }


@official_required("supervisor")
@require_GET
def trend_cases_page(request):
    form = TrendCasesForm(request.GET)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    page = trend_cases(
        kind=data["kind"],
        start=data["start"],
        end=data["end"],
        department_id=data["department"],
        cursor=data["after"],
    )
    titles = {
        "received": _("Applications received"),
        "decided": _("Applications decided"),
        "late": _("Applications decided late (after the statutory due date)"),
    }
    return render(
        request,
        "approvals/supervision/trend_cases.html",
        {"title": titles[data["kind"]], "page": page}
        | _list_context(request, data, page.next_cursor),
    )


@official_required("supervisor")
@require_GET
def trend_ratings_page(request):
    form = TrendRatingsForm(request.GET)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    page = trend_ratings(
        start=data["start"], end=data["end"], department_id=data["department"], after=data["after"]
    )
    return render(
        request,
        "approvals/supervision/trend_ratings.html",
        {"page": page} | _list_context(request, data, page.next_after),
    )


def _department_name(department_id: int | None) -> str:
    """The department's name, or "" for all; 404 for one that does not exist."""
    if department_id is None:
        return ""
    names = Department.objects.filter(pk=department_id).values_list("name_zh", "name_en")
    if not names:
        raise Http404
    return localized_name(*names[0])


@official_required("supervisor")
@require_GET
def workload_page(request):
    tree = department_tree()
    departments = _departments()
    chosen = request.GET.get("department", "")
    department_id = int(chosen) if chosen.isdigit() else None
    names = dict(departments)
    if department_id not in names:
        department_id = None
    return render(
        request,
        "approvals/supervision/workload.html",
        {
            "tree": tree,
            "departments": departments,
            "department_id": department_id,
            "department_name": names.get(department_id, ""),
            "officials": official_workload(department_id) if department_id else [],
        },
    )
