"""``/supervision/themes/``: 一件事 in electronic supervision, for supervisors only — per theme,
the cases received and completed in a period, the working days to complete the whole, the
members decided on time, and the statutory days the theme saves against its members one after
another (``approvals.selectors.theme_supervision``)."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from approvals.domain.china_time import china_today
from approvals.forms.supervision import period_form
from approvals.selectors.supervision import Period
from approvals.selectors.theme_supervision import theme_statistics
from approvals.services.audit_trail import theme_statistics_export
from approvals.views.charts import bar_chart
from approvals.views.exports import csv_cell
from approvals.views.work import official_required


def _one_decimal(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _cells(row) -> dict:
    return {
        "code": row.code,
        "name": row.name,
        "received": row.received,
        "completed": row.completed,
        "average_days": _one_decimal(row.average_days),
        "p90_days": "—" if row.p90_days is None else row.p90_days,
        "members_timed": row.members_timed,
        "on_time_rate": "—" if row.on_time_rate is None else f"{row.on_time_rate * 100:.1f}%",
        "chain_days": _one_decimal(row.average_chain_days),
        "sequential_days": _one_decimal(row.average_sequential_days),
        "saved_days": _one_decimal(row.average_saved_days),
    }


@official_required("supervisor")
@require_GET
def themes_page(request):
    form, period = period_form(request.GET, Period.ending(china_today()))
    stats = theme_statistics(period)
    completed = [row for row in stats.rows if row.completed]
    chart = bar_chart(
        chart_id="theme-days",
        title=_("Working days per completed case: taken, and the statutory limits (average)"),
        rows=[
            (
                row.name,
                [
                    _rounded(row.average_days),
                    _rounded(row.average_chain_days),
                    _rounded(row.average_sequential_days),
                ],
            )
            for row in completed
        ],
        series=[
            ("received", _("Taken, receipt to last decision")),
            ("green", _("Statutory, as one theme")),
            ("red", _("Statutory, one after another")),
        ],
        label_heading=pgettext("theme supervision", "Theme"),
    )
    return render(
        request,
        "approvals/supervision/themes.html",
        {
            "form": form,
            "period": period,
            "rows": [_cells(row) for row in stats.rows],
            "total": _cells(stats.total),
            "chart": chart,
            "export_query": request.GET.urlencode(),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@official_required("supervisor")
@require_GET
def themes_export(request):
    """The page's figures as CSV (audited), one row per theme."""
    _form, period = period_form(request.GET, Period.ending(china_today()))
    stats = theme_statistics(period)
    theme_statistics_export(actor=request.user, period=period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"supervision-themes-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "code",
            "name",
            "received",
            "completed",
            "average_working_days",
            "p90_working_days",
            "members_decided",
            "members_on_time_rate",
            "statutory_days_as_theme",
            "statutory_days_one_after_another",
            "working_days_saved",
        ]
    )

    def number(value, digits=2):
        return "" if value is None else f"{value:.{digits}f}"

    for row in stats.rows:
        writer.writerow(
            [
                csv_cell(row.code),
                csv_cell(row.name),
                row.received,
                row.completed,
                number(row.average_days),
                "" if row.p90_days is None else row.p90_days,
                row.members_timed,
                number(row.on_time_rate, 4),
                number(row.average_chain_days),
                number(row.average_sequential_days),
                number(row.average_saved_days),
            ]
        )
    return response
