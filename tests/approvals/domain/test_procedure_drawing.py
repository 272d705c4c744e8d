"""The procedure drawing's layout, from a workflow definition: pure, no database."""

import itertools

from approvals.domain.procedure_drawing import (
    LINE_HEIGHT,
    MAX_LANES_PER_ROW,
    WIDTH,
    Step,
    layout_drawing,
    procedure_steps,
    text_width,
    wrap,
)
from approvals.domain.workflow_definition import parse_definition

APPLY = Step(kind="apply", title="You apply")
LICENCE = Step(kind="licence", title="Licence issued", detail="within 10 working days")


def definition(*stages):
    return parse_definition({"stages": list(stages)})


def stage(key, en, zh, departments, days):
    return {
        "key": key,
        "name": {"en": en, "zh": zh},
        "branches": [
            {"key": f"b{i}", "department": d, "role": "reviewer"} for i, d in enumerate(departments)
        ],
        "limit_working_days": days,
    }


JOINT = definition(
    stage("intake", "Window intake", "窗口受理", ["window"], 1),
    stage("joint", "Joint review", "并联审查", ["planning", "housing", "fire"], 8),
    stage("decision", "Decision", "决定", ["planning"], 4),
)
NAMES = {"window": "Service centre", "planning": "Planning", "housing": "Housing", "fire": "Fire"}


def steps_of(defn, language="en", licence=LICENCE):
    return procedure_steps(
        defn,
        language=language,
        department_names=NAMES,
        working_days=lambda n: f"{n} working days",
        apply_step=APPLY,
        licence_step=licence,
    )


def overlaps(a, b) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def inside(inner, outer) -> bool:
    return (
        outer.x <= inner.x
        and inner.x + inner.width <= outer.x + outer.width
        and outer.y <= inner.y
        and inner.y + inner.height <= outer.y + outer.height
    )


# --- The steps ------------------------------------------------------------------------------------


def test_the_steps_are_apply_each_stage_in_order_with_its_departments_and_the_licence():
    steps = steps_of(JOINT)

    assert [s.title for s in steps] == [
        "You apply",
        "Window intake",
        "Joint review",
        "Decision",
        "Licence issued",
    ]
    joint = steps[2]
    assert joint.is_parallel
    assert [(lane.title, lane.detail) for lane in joint.lanes] == [
        ("Planning", "8 working days"),
        ("Housing", "8 working days"),
        ("Fire", "8 working days"),
    ]
    assert not steps[1].is_parallel


def test_the_steps_speak_chinese_and_a_filing_has_no_licence_step():
    steps = steps_of(JOINT, language="zh-hans", licence=None)

    assert [s.title for s in steps][1:] == ["窗口受理", "并联审查", "决定"]


def test_an_unknown_department_is_named_by_its_code():
    steps = steps_of(definition(stage("review", "Review", "审查", ["nowhere"], 3)))

    assert steps[1].lanes[0].title == "nowhere"


# --- Wrapping -------------------------------------------------------------------------------------


def test_english_wraps_between_words_and_chinese_between_characters():
    assert wrap("Food business licence application", 120) == [
        "Food business",
        "licence",
        "application",
    ]
    chinese = wrap("福州市自然资源和规划局", 60)
    assert "".join(chinese) == "福州市自然资源和规划局"
    assert all(text_width(line) <= 60 for line in chinese)


def test_a_word_wider_than_the_box_is_cut_and_nothing_is_lost():
    lines = wrap("Supercalifragilisticexpialidocious", 50)

    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(text_width(line) <= 50 for line in lines)


def test_blank_text_has_no_lines():
    assert wrap("   ", 100) == []


# --- Layout ---------------------------------------------------------------------------------------


def test_steps_run_top_to_bottom_joined_by_arrows_within_the_width():
    drawing = layout_drawing(steps_of(JOINT))

    frames = [b for b in drawing.boxes if b.kind in ("step", "stage")]
    assert len(frames) == 5
    assert [f.y for f in frames] == sorted(f.y for f in frames)
    for upper, lower in itertools.pairwise(frames):
        assert upper.y + upper.height < lower.y
    assert len(drawing.arrows) == 4
    for arrow, (upper, lower) in zip(drawing.arrows, itertools.pairwise(frames), strict=True):
        assert arrow.y1 == upper.y + upper.height and arrow.y2 == lower.y
    assert all(b.x >= 0 and b.x + b.width <= WIDTH for b in drawing.boxes)
    assert drawing.height >= frames[-1].y + frames[-1].height


def test_parallel_departments_sit_side_by_side_inside_their_stage():
    drawing = layout_drawing(steps_of(JOINT))

    joint_frame = [b for b in drawing.boxes if b.kind == "stage"][1]
    lanes = [b for b in drawing.boxes if b.kind == "lane" and inside(b, joint_frame)]
    assert len(lanes) == 3
    assert len({lane.y for lane in lanes}) == 1
    assert [lane.x for lane in lanes] == sorted(lane.x for lane in lanes)
    assert not any(overlaps(a, b) for i, a in enumerate(lanes) for b in lanes[i + 1 :])


def test_more_parallel_departments_than_fit_wrap_onto_another_row():
    many = definition(stage("joint", "Joint review", "并联审查", ["a", "b", "c", "d", "e"], 5))

    drawing = layout_drawing(steps_of(many))

    lanes = [b for b in drawing.boxes if b.kind == "lane"]
    assert len(lanes) == 5
    rows = sorted({lane.y for lane in lanes})
    assert len(rows) == 2
    assert sum(1 for lane in lanes if lane.y == rows[0]) == MAX_LANES_PER_ROW
    assert not any(overlaps(a, b) for i, a in enumerate(lanes) for b in lanes[i + 1 :])


def test_long_names_wrap_inside_their_boxes_and_lanes_stack_when_a_word_cannot_fit():
    long_names = {
        "planning": "Municipal Bureau of Natural Resources and Spatial Planning",
        "housing": "Housing and Urban-Rural Development Commission",
        "fire": "Counterterrorismandemergencymanagementdepartment",  # one very long word
    }
    steps = procedure_steps(
        JOINT,
        language="en",
        department_names=long_names,
        working_days=lambda n: f"{n} working days",
        apply_step=APPLY,
        licence_step=LICENCE,
    )

    drawing = layout_drawing(steps)

    for box in drawing.boxes:
        for label in box.labels:
            assert label.x >= box.x
            for y, line in label.rows:
                assert label.x + text_width(line) <= box.x + box.width
                assert box.y < y <= box.y + box.height
    lanes = [b for b in drawing.boxes if b.kind == "lane"]
    joint = lanes[1:4]
    assert len({lane.y for lane in joint}) == 3  # stacked: no word is cut
    assert not any(overlaps(a, b) for i, a in enumerate(lanes) for b in lanes[i + 1 :])


def test_label_lines_never_share_a_baseline_and_are_a_line_apart():
    drawing = layout_drawing(steps_of(JOINT))

    for box in drawing.boxes:
        baselines = [y for label in box.labels for y, _line in label.rows]
        assert baselines == sorted(baselines)
        assert all(b - a >= LINE_HEIGHT for a, b in itertools.pairwise(baselines))
