"""Forms of the supervision dashboard, the applicant's rating and the head's rectification."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.business_forms import ServiceErrorsMixin
from approvals.domain.trend_periods import DAY, MAX_BUCKETS, MONTH, WEEK, bucket_count
from approvals.selectors.supervision import Period
from approvals.selectors.supervision_trends import CASE_KINDS

MAX_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end of the period is before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("start", _("Choose a period of at most one year."))
        return data

    def period(self, default: Period) -> Period:
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return default


def period_form(query, default: Period) -> tuple[PeriodForm, Period]:
    """The period from the query string (``start``/``end``), or ``default`` (with its dates in
    the form) when none was given or it is not valid."""
    if "start" in query or "end" in query:
        form = PeriodForm(query)
        return form, form.period(default)
    return PeriodForm(initial={"start": default.start, "end": default.end}), default


GRADES = [
    (5, _("5 – very satisfied")),
    (4, _("4 – satisfied")),
    (3, _("3 – neither satisfied nor dissatisfied")),
    (2, _("2 – dissatisfied")),
    (1, _("1 – very dissatisfied")),
]


class RatingForm(ServiceErrorsMixin, forms.Form):
    grade = forms.TypedChoiceField(
        label=_("How satisfied are you with how your application was handled?"),
        choices=GRADES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What went well or badly. Do not write personal data such as ID numbers."),
    )


class RectificationForm(ServiceErrorsMixin, forms.Form):
    response = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- Trends (issue 18) --------------------------------------------------------------------------


class TrendForm(PeriodForm):
    """The trend page's period, its step (day, week, month) and optionally one department."""

    granularity = forms.ChoiceField(
        label=_("Step"),
        choices=[(DAY, _("Daily")), (WEEK, _("Weekly")), (MONTH, _("Monthly"))],
        initial=WEEK,
    )
    department = forms.TypedChoiceField(
        label=_("Department"), required=False, coerce=int, empty_value=None, choices=()
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments")), *departments]

    def clean(self):
        data = super().clean()
        start, end, granularity = data.get("start"), data.get("end"), data.get("granularity")
        if (
            start
            and end
            and granularity
            and not self.has_error("end")
            and bucket_count(start, end, granularity) > MAX_BUCKETS
        ):
            self.add_error(
                "granularity", _("Too many bars for this period: choose weekly or monthly steps.")
            )
        return data


class TrendCasesForm(forms.Form):
    """What a trend bar links to: the figure, its dates, the department, the page."""

    kind = forms.ChoiceField(choices=[(kind, kind) for kind in CASE_KINDS])
    start = forms.DateField()
    end = forms.DateField()
    department = forms.IntegerField(required=False, min_value=1)
    after = forms.CharField(required=False, max_length=40)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (start > end or (end - start).days > MAX_PERIOD_DAYS):
            raise forms.ValidationError(_("This list's dates are not valid."))
        return data


class TrendRatingsForm(TrendCasesForm):
    """What a satisfaction column links to: its dates, the department, the page."""

    kind = None
    after = forms.IntegerField(required=False, min_value=1)
