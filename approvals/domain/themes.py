"""一件事 themes as plain data (no ORM): which members apply to an applicant's answers, in which
order they may start, how long the whole takes, and whether a definition holds together.

A member is described by ``Member`` (its key, its condition over the guiding questions' answers,
the members it waits for). Conditions are small expressions (``ThemeMember.condition``):

    {}                                        always
    {"question": "alcohol", "equals": true}   an answer equals a value
    {"question": "seats", "at_least": 50}     a number answer is at least n
    {"all": [...]}, {"any": [...]}, {"not": {...}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

QUESTION_KINDS = frozenset({"yes_no", "number", "choice"})


@dataclass(frozen=True)
class Member:
    key: str
    condition: Mapping = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()


class ConditionError(ValueError):
    """A condition that is not one of the forms above."""


def evaluate(condition: Mapping | None, answers: Mapping) -> bool:
    """Whether ``condition`` holds for ``answers``; an unanswered question holds nothing."""
    if not condition:
        return True
    if not isinstance(condition, Mapping):
        raise ConditionError(f"not a condition: {condition!r}")
    if "all" in condition:
        return all(evaluate(part, answers) for part in _parts(condition["all"]))
    if "any" in condition:
        return any(evaluate(part, answers) for part in _parts(condition["any"]))
    if "not" in condition:
        return not evaluate(condition["not"], answers)
    question = condition.get("question")
    if not isinstance(question, str):
        raise ConditionError(f"a condition names a question: {condition!r}")
    answer = answers.get(question)
    if "equals" in condition:
        return answer is not None and answer == condition["equals"]
    if "at_least" in condition:
        number = _number(answer)
        return number is not None and number >= condition["at_least"]
    raise ConditionError(f"unknown comparison in {condition!r}")


def _parts(parts) -> list:
    if not isinstance(parts, list) or not parts:
        raise ConditionError(f"a non-empty list of conditions expected: {parts!r}")
    return parts


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def questions_named(condition: Mapping | None) -> set[str]:
    """The questions a condition reads."""
    if not condition:
        return set()
    names: set[str] = set()
    for key in ("all", "any"):
        for part in condition.get(key) or []:
            names |= questions_named(part)
    if "not" in condition:
        names |= questions_named(condition["not"])
    if isinstance(condition.get("question"), str):
        names.add(condition["question"])
    return names


def members_applying(members: Iterable[Member], answers: Mapping) -> list[str]:
    """The keys of the members whose condition holds, in the given order."""
    return [member.key for member in members if evaluate(member.condition, answers)]


def prerequisites(members: Iterable[Member], applying: Iterable[str]) -> dict[str, list[str]]:
    """For each applying member, the applying members it waits for. A prerequisite that does not
    apply to this applicant (they hold its licence already) is not waited for."""
    chosen = set(applying)
    return {
        member.key: [key for key in member.depends_on if key in chosen]
        for member in members
        if member.key in chosen
    }


def start_order(members: Iterable[Member], applying: Iterable[str]) -> list[str]:
    """The applying members, each after the members it waits for (a topological order, stable in
    the given order). ``ValueError`` on a cycle."""
    members = list(members)
    waits = prerequisites(members, applying)
    order: list[str] = []
    placed: set[str] = set()
    while len(order) < len(waits):
        ready = [
            m.key
            for m in members
            if m.key in waits and m.key not in placed and set(waits[m.key]) <= placed
        ]
        if not ready:
            raise ValueError("the members wait for each other in a cycle")
        order.extend(ready)
        placed.update(ready)
    return order


def longest_path(
    members: Iterable[Member], applying: Iterable[str], days: Mapping[str, int]
) -> int:
    """Working days of the longest chain of applying members, each waiting for its
    prerequisites (members run in parallel otherwise): the whole's expected time."""
    members = list(members)
    waits = prerequisites(members, applying)
    finish: dict[str, int] = {}
    for key in start_order(members, applying):
        finish[key] = max((finish[p] for p in waits[key]), default=0) + days[key]
    return max(finish.values(), default=0)


def sequential_total(applying: Iterable[str], days: Mapping[str, int]) -> int:
    """Working days if the members were applied for one after another (the comparison the
    supervisors' 'time saved' is measured against)."""
    return sum(days[key] for key in applying)


def definition_problems(
    *,
    questions: list[Mapping],
    shared_fields: list[Mapping],
    shared_materials: list[Mapping],
    members: list[Member],
) -> list[str]:
    """What is wrong with a theme's definition (empty when it holds together): keys unique,
    questions of a known kind, conditions well-formed and naming declared questions,
    prerequisites naming other members, no cycle."""
    problems: list[str] = []
    for name, rows in (
        ("question", questions),
        ("shared field", shared_fields),
        ("shared material", shared_materials),
        ("member", [{"key": m.key} for m in members]),
    ):
        keys = [row.get("key") for row in rows]
        if any(not isinstance(key, str) or not key for key in keys):
            problems.append(f"every {name} needs a key")
        duplicated = sorted({key for key in keys if isinstance(key, str) and keys.count(key) > 1})
        problems += [f"{name} key {key!r} is used twice" for key in duplicated]
    for question in questions:
        if question.get("kind") not in QUESTION_KINDS:
            problems.append(f"question {question.get('key')!r} has an unknown kind")
    declared = {q.get("key") for q in questions}
    member_keys = {m.key for m in members}
    for member in members:
        try:
            evaluate(member.condition, {})
        except ConditionError as error:
            problems.append(f"member {member.key!r}: {error}")
            continue
        for unknown in sorted(questions_named(member.condition) - declared):
            problems.append(f"member {member.key!r} asks the undeclared question {unknown!r}")
        for prerequisite in member.depends_on:
            if prerequisite == member.key or prerequisite not in member_keys:
                problems.append(f"member {member.key!r} waits for {prerequisite!r}, not a member")
    if not problems:
        try:
            start_order(members, member_keys)
        except ValueError as error:
            problems.append(str(error))
    return problems


# --- Answers typed as text (a query string, a form) ----------------------------------------------

YES = frozenset({"true", "yes", "1", "on"})
NO = frozenset({"false", "no", "0", "off"})


class AnswerProblem:
    """Why an answer was refused (the caller words it in the reader's language)."""

    UNKNOWN = "unknown"  # not a question of the theme
    NOT_YES_NO = "not_yes_no"
    NOT_NUMBER = "not_number"
    NOT_CHOICE = "not_choice"


def parse_answers(
    questions: list[Mapping], raw: Mapping[str, object]
) -> tuple[dict, dict[str, str]]:
    """``raw`` answers (text from a query string, or JSON values) typed by their questions: a
    yes/no as a boolean, a number as an int or float (finite, not negative), a choice as one of
    its values. Returns the answers and, by key, the problem of each refused one
    (``AnswerProblem``); a question left blank is unanswered (it holds no condition)."""
    by_key = {q.get("key"): q for q in questions}
    answers: dict = {}
    problems: dict[str, str] = {}
    for key, value in raw.items():
        question = by_key.get(key)
        if question is None:
            problems[key] = AnswerProblem.UNKNOWN
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        parsed, problem = _parse_answer(question, value)
        if problem:
            problems[key] = problem
        else:
            answers[key] = parsed
    return answers, problems


def _parse_answer(question: Mapping, value) -> tuple[object, str]:
    kind = question.get("kind")
    text = value.strip().lower() if isinstance(value, str) else None
    if kind == "yes_no":
        if isinstance(value, bool):
            return value, ""
        if text in YES or text in NO:
            return text in YES, ""
        return None, AnswerProblem.NOT_YES_NO
    if kind == "number":
        number = None if isinstance(value, bool) else _number(value)
        if number is None or number != number or number in (float("inf"), float("-inf")):
            return None, AnswerProblem.NOT_NUMBER
        if number < 0:
            return None, AnswerProblem.NOT_NUMBER
        return (int(number) if float(number).is_integer() else number), ""
    values = [str(choice.get("value")) for choice in question.get("choices") or []]
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) not in values:
        return None, AnswerProblem.NOT_CHOICE
    return next(c["value"] for c in question["choices"] if str(c.get("value")) == str(value)), ""
