"""The procedure drawing (办理流程图) of a service guide, laid out from its workflow definition.

Pure: the steps come from the definition (``procedure_steps``), with the words the reader reads
passed in already translated; ``layout_drawing`` places them top to bottom on a fixed-width canvas
that the page scales to its width. Top to bottom because a phone is narrow: parallel departments sit
side by side inside their stage (at most ``MAX_LANES_PER_ROW`` in a row; more wrap onto the next
row), and every label wraps to the width of its box, so nothing collides however long the names
are. The template draws the boxes and lines it is given (``approvals/guides/_procedure_svg.html``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from approvals.domain.workflow_definition import WorkflowDefinition

WIDTH = 360
MARGIN = 4
PADDING = 8
GAP = 28  # between steps, where the arrow runs
LANE_GAP = 8
FONT_SIZE = 14
LINE_HEIGHT = 21  # Noto Sans CJK's line box is 1.45 em: lines never touch
MAX_LANES_PER_ROW = 3


@dataclass(frozen=True)
class Lane:
    """One department's part of a step: who, and the time it has."""

    title: str
    detail: str = ""


@dataclass(frozen=True)
class Step:
    """One step of the procedure; ``kind`` is "apply", "stage" or "licence"."""

    kind: str
    title: str
    lanes: tuple[Lane, ...] = ()
    detail: str = ""

    @property
    def is_parallel(self) -> bool:
        return len(self.lanes) > 1


def procedure_steps(
    definition: WorkflowDefinition,
    *,
    language: str,
    department_names: Mapping[str, str],
    working_days: Callable[[int], str],
    apply_step: Step,
    licence_step: Step | None,
) -> list[Step]:
    """The steps in order: applying, each stage of the definition with its departments (several
    when they work in parallel, 并联审批) and its limit, and the licence's issue if there is one."""
    steps = [apply_step]
    for stage in definition.stages:
        name = stage.name_zh if language.startswith("zh") else stage.name_en
        limit = working_days(stage.limit_working_days)
        lanes = tuple(
            Lane(title=department_names.get(b.department, b.department), detail=limit)
            for b in stage.branches
        )
        steps.append(Step(kind="stage", title=name, lanes=lanes))
    if licence_step is not None:
        steps.append(licence_step)
    return steps


# --- Text measurement -----------------------------------------------------------------------------


def text_width(text: str) -> float:
    """The width of ``text`` at ``FONT_SIZE``, estimated: wide (CJK) characters take a full em,
    others a little over half of one (bold Noto Sans averages less). Generous, so that a real
    font never overflows the box (the browser journey measures the rendered labels)."""
    em = 0.0
    for char in text:
        em += 1.0 if unicodedata.east_asian_width(char) in ("W", "F") else 0.56
    return em * FONT_SIZE


def wrap(text: str, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``: between words where there are spaces, between
    any two characters of Chinese (which has no spaces), and inside a word only when the word
    alone is too wide."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token if line else token.lstrip()
        if not candidate:
            continue
        if text_width(candidate) <= width:
            line = candidate
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while text_width(line) > width:  # a single word wider than the box: cut it
            cut = _longest_prefix(line, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with their leading space, and each wide character on its own."""
    tokens: list[str] = []
    for char in " ".join(text.split()):
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if wide or char == " " or not tokens or _is_wide(tokens[-1][-1]):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _longest_prefix(word: str, width: float) -> int:
    cut = 1
    while cut < len(word) and text_width(word[: cut + 1]) <= width:
        cut += 1
    return cut


# --- Layout ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """Lines of text, the first at baseline ``y``; ``strong`` for titles."""

    x: float
    y: float
    lines: tuple[str, ...]
    strong: bool = False

    @property
    def rows(self) -> tuple[tuple[float, str], ...]:
        """Each line with its own baseline."""
        return tuple((self.y + i * LINE_HEIGHT, line) for i, line in enumerate(self.lines))


@dataclass(frozen=True)
class Box:
    kind: str  # "step", "stage" (a frame around its lanes) or "lane"
    x: float
    y: float
    width: float
    height: float
    labels: tuple[Label, ...]


@dataclass(frozen=True)
class Arrow:
    x: float
    y1: float
    y2: float


@dataclass(frozen=True)
class Drawing:
    width: float
    height: float
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def _text_block(
    x: float, y: float, width: float, title: str, detail: str
) -> tuple[list[Label], float]:
    """Title and detail wrapped to ``width`` from the top ``y``; the labels and their height."""
    labels: list[Label] = []
    height = 0.0
    for text, strong in ((title, True), (detail, False)):
        lines = wrap(text, width) if text else []
        if lines:
            baseline = y + height + FONT_SIZE
            labels.append(Label(x=x, y=baseline, lines=tuple(lines), strong=strong))
            height += len(lines) * LINE_HEIGHT
    return labels, height


def _lane_width(inner_width: float, per_row: int) -> float:
    return (inner_width - LANE_GAP * (per_row - 1)) / per_row


def _lanes_per_row(lanes: tuple[Lane, ...], inner_width: float) -> int:
    """As many lanes side by side as fit (at most ``MAX_LANES_PER_ROW``) without cutting a word:
    fewer, stacked, when a department's name has a word too long for a narrow lane."""
    # Chinese breaks between any two characters: only runs of other characters are words.
    words = [word.strip() for lane in lanes for word in _tokens(f"{lane.title} {lane.detail}")]
    for per_row in range(min(len(lanes), MAX_LANES_PER_ROW), 1, -1):
        room = _lane_width(inner_width, per_row) - 2 * PADDING
        if all(text_width(word) <= room for word in words):
            return per_row
    return 1


def _lane_rows(lanes: tuple[Lane, ...], inner_width: float) -> list[tuple[Lane, ...]]:
    if not lanes:
        return []
    per_row = _lanes_per_row(lanes, inner_width)
    return [lanes[i : i + per_row] for i in range(0, len(lanes), per_row)]


def layout_drawing(steps: list[Step]) -> Drawing:
    """Boxes, labels and arrows for ``steps``, top to bottom, ``WIDTH`` wide."""
    boxes: list[Box] = []
    arrows: list[Arrow] = []
    y = MARGIN
    outer = WIDTH - 2 * MARGIN
    for index, step in enumerate(steps):
        if index:
            arrows.append(Arrow(x=WIDTH / 2, y1=y, y2=y + GAP))
            y += GAP
        top = y
        inner_x = MARGIN + PADDING
        inner_width = outer - 2 * PADDING
        labels, height = _text_block(inner_x, top + PADDING, inner_width, step.title, step.detail)
        y = top + PADDING + height
        lane_boxes: list[Box] = []
        for row in _lane_rows(step.lanes, inner_width):
            y += LANE_GAP if lane_boxes or height else 0
            lane_width = _lane_width(inner_width, len(row))
            blocks = []
            for position, lane in enumerate(row):
                x = inner_x + position * (lane_width + LANE_GAP)
                blocks.append(
                    (
                        x,
                        *_text_block(
                            x + PADDING,
                            y + PADDING,
                            lane_width - 2 * PADDING,
                            lane.title,
                            lane.detail,
                        ),
                    )
                )
            row_height = max(block_height for _, _, block_height in blocks) + 2 * PADDING
            for x, lane_labels, _ in blocks:
                lane_boxes.append(Box("lane", x, y, lane_width, row_height, tuple(lane_labels)))
            y += row_height
        y += PADDING
        kind = "stage" if step.lanes else "step"
        boxes.append(Box(kind, MARGIN, top, outer, y - top, tuple(labels)))
        boxes.extend(lane_boxes)
    return Drawing(width=WIDTH, height=y + MARGIN, boxes=tuple(boxes), arrows=tuple(arrows))
