"""The working-day calendar in the admin: add a later year (2027+) together with its days, and
correct single days. Every change is audited (``admin.*`` by the mixin plus ``calendar.*`` with the
days concerned) and takes effect at once (see ``approvals.models.working_calendar``)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from approvals.models import CalendarDay, CalendarDayKind, CalendarYear
from approvals.models import working_calendar as calendar_cache
from approvals.tasks import deadlines_fill_unknown_task
from audit.admin import AuditedModelAdmin
from audit.chain import audit_record

SATURDAY, SUNDAY = 5, 6
KIND_WORDS = {
    "holiday": CalendarDayKind.HOLIDAY,
    "makeup": CalendarDayKind.MAKEUP_WORKDAY,
    "makeup_workday": CalendarDayKind.MAKEUP_WORKDAY,
}


def format_days(rows) -> str:
    words = {CalendarDayKind.HOLIDAY: "holiday", CalendarDayKind.MAKEUP_WORKDAY: "makeup"}
    return "\n".join(
        f"{row.date.isoformat()} {words[row.kind]} {row.name}".rstrip() for row in rows
    )


def parse_days(text: str, year: int | None) -> dict[dt.date, tuple[str, str]]:
    """Lines of ``YYYY-MM-DD holiday|makeup [name]``; raises ValidationError listing every
    problem."""
    days: dict[dt.date, tuple[str, str]] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(maxsplit=2)
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            problems.append(
                _("Line %(n)s: “%(text)s” is not a date (YYYY-MM-DD).")
                % {"n": number, "text": parts[0]}
            )
            continue
        kind = KIND_WORDS.get(parts[1].lower()) if len(parts) > 1 else None
        if kind is None:
            problems.append(
                _("Line %(n)s: say “holiday” or “makeup” after the date.") % {"n": number}
            )
            continue
        name = parts[2] if len(parts) > 2 else ""
        problems.extend(day_problems(day, kind, year))
        if day in days:
            problems.append(
                _("Line %(n)s: %(date)s is listed twice.") % {"n": number, "date": day.isoformat()}
            )
        days[day] = (kind, name)
    if problems:
        raise forms.ValidationError(problems)
    return days


def day_problems(day: dt.date, kind: str, year: int | None) -> list:
    problems = []
    if year is not None and day.year != year:
        problems.append(_("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year})
    if kind == CalendarDayKind.MAKEUP_WORKDAY and day.weekday() not in (SATURDAY, SUNDAY):
        problems.append(
            _("%(date)s is not a Saturday or Sunday, so it cannot be a make-up working day.")
            % {"date": day.isoformat()}
        )
    return problems


class CalendarYearForm(forms.ModelForm):
    days = forms.CharField(
        label=_("Holidays and make-up working days"),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60}),
        help_text=_(
            "One day a line: the date, “holiday” or “makeup”, and the holiday's name, e.g. "
            "“2027-02-06 holiday Spring Festival” or “2027-02-14 makeup Spring Festival”. "
            "Every other Saturday and Sunday is a rest day."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["year"].disabled = True
            self.fields["days"].initial = format_days(
                CalendarDay.objects.filter(date__year=self.instance.year)
            )
        else:
            self.fields["source"].initial = _("State Council notice")

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year") or self.instance.year
        text = cleaned.get("days")
        if year and text is not None:
            try:
                parsed = parse_days(text, year)
            except forms.ValidationError as error:
                self.add_error("days", error)
                return cleaned
            if not any(kind == CalendarDayKind.HOLIDAY for kind, _name in parsed.values()):
                self.add_error("days", _("A year is added with its statutory holidays."))
            cleaned["parsed_days"] = parsed
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    form = CalendarYearForm
    list_display = ("year", "source", "holiday_count", "makeup_count")
    fields = ("year", "source", "days")

    @admin.display(description=_("holidays"))
    def holiday_count(self, obj):
        return CalendarDay.objects.filter(date__year=obj.year, kind=CalendarDayKind.HOLIDAY).count()

    @admin.display(description=_("make-up working days"))
    def makeup_count(self, obj):
        return CalendarDay.objects.filter(
            date__year=obj.year, kind=CalendarDayKind.MAKEUP_WORKDAY
        ).count()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        with transaction.atomic():
            sync_year_days(request.user, form.instance.year, form.cleaned_data["parsed_days"])

    def delete_model(self, request, obj):
        with transaction.atomic():
            deleted = format_days(CalendarDay.objects.filter(date__year=obj.year))
            CalendarDay.objects.filter(date__year=obj.year).delete()
            super().delete_model(request, obj)
            audit_record(
                action="calendar.year_deleted",
                actor=request.user,
                object_type="approvals.calendaryear",
                object_id=str(obj.year),
                changes={"days": [deleted, None]},
            )
        calendar_cache.calendar_changed()

    def has_delete_permission(self, request, obj=None):
        # Deleting years in bulk would silently drop every deadline in them.
        return super().has_delete_permission(request, obj) and obj is not None


def sync_year_days(actor, year: int, wanted: dict[dt.date, tuple[str, str]]) -> dict:
    """Make the days of ``year`` exactly ``wanted``; audit ``calendar.days_changed``."""
    stored = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    added, changed, removed = [], [], []
    for day, (kind, name) in sorted(wanted.items()):
        row = stored.get(day)
        if row is None:
            CalendarDay.objects.create(date=day, kind=kind, name=name)
            added.append(f"{day} {kind} {name}".rstrip())
        elif (row.kind, row.name) != (kind, name):
            changed.append(
                [f"{day} {row.kind} {row.name}".rstrip(), f"{day} {kind} {name}".rstrip()]
            )
            row.kind, row.name = kind, name
            row.save(update_fields=["kind", "name"])
    for day, row in sorted(stored.items()):
        if day not in wanted:
            removed.append(f"{day} {row.kind} {row.name}".rstrip())
            row.delete()
    if added or changed or removed:
        audit_record(
            action="calendar.days_changed",
            actor=actor,
            object_type="approvals.calendaryear",
            object_id=str(year),
            changes={
                "added": [None, added],
                "changed": [None, changed],
                "removed": [removed, None],
            },
        )
    calendar_cache.calendar_changed()
    # Due dates that fell beyond the calendar's end were left unknown; a new year may reach them.
    transaction.on_commit(deadlines_fill_unknown_task.delay)
    return {"added": added, "changed": changed, "removed": removed}


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def clean(self):
        cleaned = super().clean()
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day and kind:
            for problem in day_problems(day, kind, None):
                self.add_error("kind", problem)
            if not CalendarYear.objects.filter(year=day.year).exists():
                self.add_error(
                    "date",
                    _("Add the year %(year)s with all its days first.") % {"year": day.year},
                )
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        before = format_days(CalendarDay.objects.filter(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit_record(
            action="calendar.day_changed" if change else "calendar.day_added",
            actor=request.user,
            obj=obj,
            changes={"day": [before, format_days([obj])]},
        )

    def delete_model(self, request, obj):
        before = format_days([obj])
        pk = obj.pk
        super().delete_model(request, obj)
        audit_record(
            action="calendar.day_deleted",
            actor=request.user,
            object_type="approvals.calendarday",
            object_id=str(pk),
            changes={"day": [before, None]},
        )
