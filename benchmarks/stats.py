"""The benchmark's arithmetic and its results file, without Django (tests/benchmarks/).

A figure is one measured number with its target: a page's p50/p95 and SQL queries per request, a
rate (submissions/s, events/s), a duration or a ratio. ``results_document`` adds the ratios of
the largest to the smallest scale for every page measured at both, which is what "flat" means in
issue 12 (≤ 1.5).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

KEYS = ("name", "scale", "p50_ms", "p95_ms", "queries", "value", "unit", "target", "met")
FLAT_RATIO = 1.5


def percentile(samples: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile with linear interpolation between the closest ranks (what numpy
    and ``statistics.quantiles(method="inclusive")`` compute)."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= pct <= 100:
        raise ValueError("pct must be within 0..100")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Target:
    """``value <op> bound`` on one of the figure's numbers (``on``: p50_ms, p95_ms or value)."""

    on: str
    op: str  # "<=" or ">="
    bound: float
    unit: str = ""

    def describe(self) -> str:
        label = {"p50_ms": "p50", "p95_ms": "p95", "value": ""}[self.on]
        return " ".join(p for p in (label, self.op, f"{self.bound:g}", self.unit) if p)

    def met(self, figure: dict) -> bool | None:
        measured = figure.get(self.on)
        if measured is None:
            return None
        compare = operator.le if self.op == "<=" else operator.ge
        return bool(compare(measured, self.bound))


PAGE = Target("p95_ms", "<=", 50, "ms")


@dataclass
class Figure:
    name: str
    scale: int | str | None
    p50_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    value: float | None = None
    unit: str = ""
    target: str | None = None
    met: bool | None = None
    note: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        if not data["note"]:
            data.pop("note")
        return data


def figure(
    name: str,
    scale,
    *,
    samples_ms: Sequence[float] | None = None,
    queries: int | None = None,
    value: float | None = None,
    unit: str = "",
    target: Target | None = None,
    note: str = "",
) -> Figure:
    """A figure from raw samples (milliseconds) and/or a single value, judged against ``target``."""
    result = Figure(name=name, scale=scale, queries=queries, value=value, unit=unit, note=note)
    if samples_ms:
        result.p50_ms = round(percentile(samples_ms, 50), 2)
        result.p95_ms = round(percentile(samples_ms, 95), 2)
    if result.value is not None:
        result.value = round(result.value, 3)
    if target is not None:
        result.target = target.describe()
        result.met = target.met(asdict(result))
    return result


def scale_ratios(figures: Iterable[dict]) -> list[Figure]:
    """For every page (over HTTP) measured at more than one scale: its p95 at the largest scale
    over its p95 at the smallest (target ≤ 1.5, "flat")."""
    by_name: dict[str, dict[int, dict]] = {}
    for item in figures:
        # A page's figure names its request in its note ("GET /work/queue/ …").
        if (
            isinstance(item.get("scale"), int)
            and item.get("p95_ms")
            and item.get("note", "").startswith("GET ")
        ):
            by_name.setdefault(item["name"], {})[item["scale"]] = item
    ratios = []
    for name, scales in sorted(by_name.items()):
        if len(scales) < 2:
            continue
        small, large = min(scales), max(scales)
        ratio = scales[large]["p95_ms"] / scales[small]["p95_ms"]
        ratios.append(
            figure(
                f"{name} p95 ratio",
                f"{large}/{small}",
                value=ratio,
                unit="×",
                target=Target("value", "<=", FLAT_RATIO, "×"),
            )
        )
    return ratios


def results_document(figures: Iterable[dict], *, run: dict) -> dict:
    """``benchmarks/results/latest.json``: the run's circumstances and one object per figure
    (with the scale ratios appended), each with ``KEYS`` (and ``note`` when there is one)."""
    figures = list(figures)
    everything = figures + [ratio.as_dict() for ratio in scale_ratios(figures)]
    for item in everything:
        missing = [key for key in KEYS if key not in item]
        if missing:
            raise ValueError(f"figure {item.get('name')!r} lacks {missing}")
    return {"run": run, "figures": everything}


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def table(figures: Iterable[dict]) -> str:
    """The printed table: one line per figure."""
    header = ("name", "scale", "p50 ms", "p95 ms", "queries", "value", "unit", "target", "met")
    rows = [header] + [tuple(_cell(item.get(key)) for key in KEYS) for item in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 5}
    lines = []
    for index, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
