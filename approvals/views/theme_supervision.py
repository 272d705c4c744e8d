"""``/supervision/themes/``: 一件事 in electronic supervision, for supervisors only — per theme,
the cases received and completed in a period, the working days to complete the whole, the
members decided on time, and the statutory days the theme saves against its members one after
another (``approvals.selectors.theme_supervision``)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from approvals.domain.china_time import china_today
from approvals.forms.supervision import period_form
from approvals.selectors.supervision import Period
from approvals.selectors.theme_supervision import theme_statistics
from approvals.views.charts import bar_chart
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
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
