"""一件事 in electronic supervision: per theme, over a period, the cases received and completed,
the working days from receipt to the last member's decision, the members decided on time, and the
time the theme saves against its members' statutory limits run one after another.

A case is *completed* on the day its last member was decided, once no member is still open (a
case refused as a whole, or withdrawn, has no decision and is not completed). Its *time saved* is
``sequential − chain``: the statutory limits of the members it filed added up, against the
longest chain of them (members run in parallel unless one waits for another), with the limits
the guide announces (``ThemePlan.sequential_statutory_days`` and ``statutory_days``).

Every figure comes from a fixed number of grouped queries whatever the number of cases: the
completed cases are grouped by (theme version, members filed, day received, day completed) — the
members filed as bit masks over the member keys (31 keys to a column, so no sum overflows) — and
the limits read once from the catalogue; the candidates are found through the decision-date
index of the members, the cases received through ``theme_case_received``. The rows read grow with
the cases of the period, not with the history (there is no daily roll-up for themes yet: cases
are far fewer than applications).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)

from approvals.domain import themes
from approvals.domain.lifecycle import OPEN_STATUSES
from approvals.models import (
    Application,
    ServiceVersion,
    ThemeCase,
    ThemeMember,
    ThemeVersion,
    VersionStatus,
)
from approvals.models.working_calendar import working_calendar
from approvals.selectors.supervision import (
    DECIDED,
    Period,
    StatRow,
    days_q,
    localized_name,
)
from approvals.selectors.themes import domain_members


@dataclass
class ThemeStatRow:
    key: int  # the theme item
    code: str
    name: str
    received: int = 0
    completed: int = 0
    # Members decided in the period: by their statutory due date, and with a known due date.
    members_on_time: int = 0
    members_timed: int = 0
    # Working days from receipt to the last decision -> how many completed cases took that long.
    durations: Counter = field(default_factory=Counter)
    # Of the completed cases: their longest chains and their limits one after another, summed.
    chain_days: int = 0
    sequential_days: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.members_on_time / self.members_timed if self.members_timed else None

    # The same reading of the durations as the services' statistics.
    average_days = StatRow.average_days
    p90_days = StatRow.p90_days

    @property
    def average_chain_days(self) -> float | None:
        return self.chain_days / self.completed if self.completed else None

    @property
    def average_sequential_days(self) -> float | None:
        return self.sequential_days / self.completed if self.completed else None

    @property
    def average_saved_days(self) -> float | None:
        if not self.completed:
            return None
        return (self.sequential_days - self.chain_days) / self.completed


@dataclass
class ThemeStatistics:
    period: Period
    rows: list[ThemeStatRow]
    total: ThemeStatRow


def theme_statistics(period: Period) -> ThemeStatistics:
    """The figures of every theme with a case received, completed or a member decided in
    ``period`` (see the module docstring)."""
    received = (
        ThemeCase.objects.filter(received_on__range=(period.start, period.end))
        .values_list("version__item_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decided_members = Application.objects.filter(
        days_q("decided_on", period.days()), theme_case__isnull=False
    )
    # Each member's theme looked up through its case's primary key (a join would let the
    # planner scan every case for a month's members).
    theme_of_case = ThemeCase.objects.filter(pk=OuterRef("theme_case_id")).values(
        "version__item_id"
    )[:1]
    on_time = (
        decided_members.filter(status__in=DECIDED, decision_due_on__isnull=False)
        .annotate(theme_item=Subquery(theme_of_case))
        .values_list("theme_item")
        .annotate(
            timed=Count("pk"),
            on_time=Count("pk", filter=Q(decided_on__lte=F("decision_due_on"))),
        )
        .order_by()
    )
    candidates = decided_members.values("theme_case_id")
    bits = _member_bits()
    completed = list(_completed_cases(period, candidates, bits))
    limits = _member_limits({row["version_id"] for row in completed})

    figures: dict[int, ThemeStatRow] = {}
    row_of = lambda item_id: figures.setdefault(item_id, ThemeStatRow(item_id, "", ""))  # noqa: E731
    for item_id, n in received:
        row_of(item_id).received += n
    for item_id, timed, n_on_time in on_time:
        row = row_of(item_id)
        row.members_timed += timed
        row.members_on_time += n_on_time
    calendar = working_calendar()
    between = calendar.working_days_between_pairs(
        (row["received_on"], row["completed_on"]) for row in completed if row["received_on"]
    )
    version_items = dict(
        ThemeVersion.objects.filter(pk__in={row["version_id"] for row in completed}).values_list(
            "pk", "item_id"
        )
    )
    for case in completed:
        row = row_of(version_items[case["version_id"]])
        row.completed += case["n"]
        working_days = between.get((case["received_on"], case["completed_on"]))
        if working_days is not None:
            row.durations[working_days] += case["n"]
        masks = [case[f"mask_{column}"] or 0 for column in range(_columns(bits))]
        chain, sequential = _plan_days(limits[case["version_id"]], bits, masks)
        row.chain_days += chain * case["n"]
        row.sequential_days += sequential * case["n"]
    _name(figures)
    rows = sorted(figures.values(), key=lambda r: (r.name, r.key))
    return ThemeStatistics(period=period, rows=rows, total=_total(rows))


BITS_PER_COLUMN = 31


def _member_bits() -> dict[str, tuple[int, int]]:
    """A (mask column, bit) per member key of the catalogue's themes (the catalogue's size, not
    the cases': read without touching a case, so that no plan scans them)."""
    keys = sorted(set(ThemeMember.objects.values_list("key", flat=True)))
    return {
        key: (position // BITS_PER_COLUMN, 1 << position % BITS_PER_COLUMN)
        for position, key in enumerate(keys)
    }


def _columns(bits: dict[str, tuple[int, int]]) -> int:
    return max((column for column, _bit in bits.values()), default=-1) + 1


def _completed_cases(period: Period, candidates, bits: dict[str, tuple[int, int]]):
    """Rows ``{version_id, received_on, completed_on, mask_0.., n}``: the cases completed in the
    period, grouped; the candidates are the cases of the members decided in the period."""
    members = Application.objects.filter(theme_case=OuterRef("pk")).order_by().values("theme_case")
    masks = {}
    for column in range(_columns(bits)):
        mask = Sum(
            Case(
                *(
                    When(theme_member_key=key, then=Value(bit))
                    for key, (key_column, bit) in bits.items()
                    if key_column == column
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        masks[f"mask_{column}"] = Subquery(members.annotate(mask=mask).values("mask")[:1])
    return (
        ThemeCase.objects.filter(pk__in=candidates)
        .annotate(
            completed_on=Subquery(members.annotate(last=Max("decided_on")).values("last")[:1]),
            **masks,
        )
        .exclude(
            Exists(Application.objects.filter(theme_case=OuterRef("pk"), status__in=OPEN_STATUSES))
        )
        .filter(completed_on__range=(period.start, period.end))
        .values("version_id", "received_on", "completed_on", *masks)
        .annotate(n=Count("pk"))
        .order_by()
    )


def _member_limits(version_ids: set[int]) -> dict[int, dict]:
    """Per theme version: its members (as the domain describes them) and each member's statutory
    limit as the guide announces it — its service's newest version out of drafting (the
    catalogue's size: two queries, no case read)."""
    members: dict[int, list] = defaultdict(list)
    for member in ThemeMember.objects.filter(version_id__in=version_ids).order_by(
        "version_id", "position", "pk"
    ):
        members[member.version_id].append(member)
    items = {m.service_item_id for rows in members.values() for m in rows}
    limits: dict[int, int] = {}
    for item_id, days in (
        ServiceVersion.objects.filter(item_id__in=items)
        .exclude(status=VersionStatus.DRAFT)
        .order_by("item_id", "-number")
        .values_list("item_id", "statutory_limit_days")
    ):
        limits.setdefault(item_id, days)
    return {
        version_id: {
            "members": domain_members(members[version_id]),
            "days": {m.key: limits.get(m.service_item_id, 0) for m in members[version_id]},
        }
        for version_id in version_ids
    }


def _plan_days(limits: dict, bits: dict[str, tuple[int, int]], masks: list[int]) -> tuple[int, int]:
    """(longest chain, one after another) of the members a case filed."""
    described = limits["members"]
    filed = [m.key for m in described if m.key in bits and masks[bits[m.key][0]] & bits[m.key][1]]
    days = {key: limits["days"].get(key, 0) for key in filed}
    return themes.longest_path(described, filed, days), themes.sequential_total(filed, days)


def _name(figures: dict[int, ThemeStatRow]) -> None:
    """Each theme by its newest version's name and its code (one query)."""
    versions = (
        ThemeVersion.objects.filter(item_id__in=list(figures))
        .order_by("item_id", "-number")
        .values_list("item_id", "item__code", "name_zh", "name_en")
    )
    for item_id, code, name_zh, name_en in versions:
        row = figures[item_id]
        if not row.code:
            row.code, row.name = code, localized_name(name_zh, name_en)


def _total(rows: list[ThemeStatRow]) -> ThemeStatRow:
    total = ThemeStatRow(0, "", "")
    for row in rows:
        for name in (
            "received",
            "completed",
            "members_on_time",
            "members_timed",
            "chain_days",
            "sequential_days",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.durations.update(row.durations)
    return total
