"""Electronic supervision (电子监察) and service evaluation (好差评) pages.

- ``/supervision/``: for supervisors (an active supervisor position; two-factor is enforced by the
  middleware): running tasks by SLA light, the overdue cards, statistics per department and per
  service with charts, open rectifications; ``/supervision/export.csv`` (audited).
- ``/applications/<pk>/rate/``: the applicant rates a decided application, once.
- ``/work/rectifications/``: a department head's rectification tasks, and their completion.
- ``/satisfaction/``: public, no sign-in: satisfaction and on-time rates per department.
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.domain.china_time import china_today
from approvals.forms.supervision import RatingForm, RectificationForm, period_form
from approvals.selectors.applications import get_application_for_applicant
from approvals.selectors.ratings import (
    RECTIFICATION_LIST_LIMIT,
    get_rectification_for_head,
    open_rectifications,
    rectifications_for_head,
    satisfaction_by_department,
)
from approvals.selectors.supervision import (
    CARD_LIST_LIMIT,
    Period,
    overdue_cards,
    running_tasks_by_light,
    statistics,
)
from approvals.services.audit_trail import statistics_export
from approvals.services.ratings import may_be_rated, rating_submit, rectification_complete
from approvals.views.charts import bar_chart
from approvals.views.exports import csv_cell
from approvals.views.work import official_required

PUBLIC_PERIOD_DAYS = 365


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _percent_value(rate: float | None) -> float | None:
    """A rate as a bar's percentage; ``None`` (no bar, "—") where the table says "—"."""
    return None if rate is None else round(rate * 100, 1)


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@official_required("supervisor")
@require_GET
def dashboard(request):
    form, period = period_form(request.GET, Period.ending(china_today()))
    running = running_tasks_by_light()
    stats = statistics(period)
    light_series = [
        ("green", _("Green (on track)")),
        ("yellow", _("Yellow (few days left)")),
        ("red", _("Red (overdue)")),
        ("paused", _("Paused (clock stopped)")),
    ]
    charts = [
        bar_chart(
            chart_id="lights-department",
            title=_("Running tasks by SLA light, per department"),
            rows=[
                (row.name, [getattr(row, key) for key, _l in light_series])
                for row in running.by_department
            ],
            series=light_series,
            label_heading=_("Department"),
        ),
        bar_chart(
            chart_id="on-time-department",
            title=_("Decided on time, per department (%)"),
            rows=[
                (row.name, [_percent_value(row.on_time_rate)])
                for row in stats.by_department
                if row.decided
            ],
            series=[("rate", _("On time (%)"))],
            label_heading=_("Department"),
            maximum=100,
        ),
        bar_chart(
            chart_id="days-department",
            title=_("Working days from acceptance to decision, per department"),
            rows=[
                (row.name, [round(row.average_days, 1), row.p90_days])
                for row in stats.by_department
                if row.durations
            ],
            series=[("average", _("Average")), ("p90", _("90th percentile"))],
            label_heading=_("Department"),
        ),
    ]
    query = request.GET.copy()
    # One row more than shown tells whether the list goes on.
    cards = overdue_cards(limit=CARD_LIST_LIMIT + 1)
    rectifications = open_rectifications(limit=RECTIFICATION_LIST_LIMIT + 1)
    return render(
        request,
        "approvals/supervision/dashboard.html",
        {
            "form": form,
            "period": period,
            "running": running,
            "cards": cards[:CARD_LIST_LIMIT],
            "cards_more": len(cards) > CARD_LIST_LIMIT,
            "card_limit": CARD_LIST_LIMIT,
            "stats": stats,
            "stat_rows": _stat_rows(stats),
            "charts": charts,
            "rectifications": rectifications[:RECTIFICATION_LIST_LIMIT],
            "rectifications_more": len(rectifications) > RECTIFICATION_LIST_LIMIT,
            "rectification_limit": RECTIFICATION_LIST_LIMIT,
            "export_query": query.urlencode(),
        },
    )


def _stat_rows(stats) -> dict:
    def cells(row):
        return {
            "name": row.name,
            "received": row.received,
            "accepted": row.accepted,
            "approved": row.approved,
            "denied": row.denied,
            "on_time_rate": _percent(row.on_time_rate),
            "average_days": _days(row.average_days),
            "p90_days": "—" if row.p90_days is None else row.p90_days,
        }

    return {
        "departments": [cells(row) for row in stats.by_department],
        "services": [cells(row) for row in stats.by_service],
        "total": cells(stats.total),
    }


@official_required("supervisor")
@require_GET
def export(request):
    _form, period = period_form(request.GET, Period.ending(china_today()))
    stats = statistics(period)
    statistics_export(actor=request.user, period=period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"supervision-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "level",
            "name",
            "received",
            "accepted",
            "approved",
            "denied",
            "on_time_rate",
            "average_working_days",
            "p90_working_days",
        ]
    )
    for level, rows in (("department", stats.by_department), ("service", stats.by_service)):
        for row in rows:
            writer.writerow(
                [
                    level,
                    csv_cell(row.name),
                    row.received,
                    row.accepted,
                    row.approved,
                    row.denied,
                    "" if row.on_time_rate is None else f"{row.on_time_rate:.4f}",
                    "" if row.average_days is None else f"{row.average_days:.2f}",
                    "" if row.p90_days is None else row.p90_days,
                ]
            )
    return response


# --- 好差评: the applicant's rating -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk: int):
    application = get_application_for_applicant(request.user, pk)
    if not may_be_rated(application) or hasattr(application, "rating"):
        return redirect("approvals:application_detail", pk=application.pk)
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rating_submit(
                actor=request.user,
                application=application,
                grade=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Thank you. Your rating is recorded."))
            return redirect("approvals:application_detail", pk=application.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "approvals/supervision/rate.html",
        {"application": application, "form": form},
        status=status,
    )


# --- Rectification by the department head -----------------------------------------------------


@official_required("department_head")
@require_GET
def rectifications(request):
    return render(
        request,
        "approvals/supervision/rectifications.html",
        {"rows": rectifications_for_head(request.user), "form": RectificationForm()},
    )


@official_required("department_head")
@require_POST
def rectification_done(request, pk: int):
    task = get_rectification_for_head(request.user, pk)
    form = RectificationForm(request.POST)
    if form.is_valid():
        try:
            rectification_complete(
                actor=request.user, task=task, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The rectification is recorded as done."))
            return redirect("approvals:rectifications")
    return render(
        request,
        "approvals/supervision/rectifications.html",
        {
            "rows": rectifications_for_head(request.user),
            "form": RectificationForm(),
            "bound": form,
            "bound_pk": task.pk,
        },
        status=400,
    )


# --- Public ------------------------------------------------------------------------------------


@require_GET
def satisfaction(request):
    today = china_today()
    period = Period.ending(today, days=PUBLIC_PERIOD_DAYS)
    rows = satisfaction_by_department(period)
    return render(
        request,
        "approvals/supervision/satisfaction.html",
        {
            "period": period,
            "rows": [
                {
                    "name": row.name,
                    "ratings": row.ratings,
                    "satisfaction": _percent(row.satisfaction_rate),
                    "decided": row.decided,
                    "on_time": _percent(row.on_time_rate),
                }
                for row in rows
            ],
            "chart": bar_chart(
                chart_id="satisfaction",
                title=_("Satisfied ratings (4 or 5 of 5), per department (%)"),
                rows=[
                    (row.name, [round(row.satisfaction_rate * 100, 1)])
                    for row in rows
                    if row.satisfaction_rate is not None
                ],
                series=[("rate", _("Satisfied (%)"))],
                label_heading=_("Department"),
                maximum=100,
            ),
        },
    )
