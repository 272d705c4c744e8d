"""一件事 themes as plain data: conditions, members applying, order, total time, definitions."""

import pytest

from approvals.domain.themes import (
    ConditionError,
    Member,
    definition_problems,
    evaluate,
    longest_path,
    members_applying,
    sequential_total,
    start_order,
)

RESTAURANT = [
    Member("registration"),
    Member("food", depends_on=("registration",)),
    Member("fire", condition={"question": "seats", "at_least": 50}),
    Member("sign", condition={"question": "sign", "equals": True}),
    Member(
        "drainage",
        condition={
            "all": [
                {"question": "kitchen", "equals": True},
                {"not": {"question": "sewer", "equals": False}},
            ]
        },
        depends_on=("registration",),
    ),
]
DAYS = {"registration": 3, "food": 10, "fire": 10, "sign": 5, "drainage": 7}


def test_conditions_read_the_answers():
    assert evaluate({}, {})
    assert evaluate({"question": "sign", "equals": True}, {"sign": True})
    assert not evaluate({"question": "sign", "equals": True}, {"sign": False})
    assert not evaluate({"question": "sign", "equals": True}, {})  # unanswered holds nothing
    assert evaluate({"question": "seats", "at_least": 50}, {"seats": "60"})
    assert not evaluate({"question": "seats", "at_least": 50}, {"seats": 49})
    assert not evaluate({"question": "seats", "at_least": 1}, {"seats": True})
    assert evaluate(
        {"any": [{"question": "a", "equals": 1}, {"question": "b", "equals": 2}]}, {"b": 2}
    )
    with pytest.raises(ConditionError):
        evaluate({"question": "a", "bigger": 1}, {})
    with pytest.raises(ConditionError):
        evaluate({"all": []}, {})


def test_only_the_members_the_answers_need_apply():
    answers = {"seats": 20, "sign": True, "kitchen": True}
    assert members_applying(RESTAURANT, answers) == ["registration", "food", "sign", "drainage"]


def test_members_start_after_what_they_wait_for_and_a_missing_prerequisite_is_not_waited_for():
    assert start_order(RESTAURANT, ["drainage", "food", "registration"]) == [
        "registration",
        "food",
        "drainage",
    ]
    # Already registered: the food licence does not wait for a registration it does not apply for.
    assert start_order(RESTAURANT, ["food"]) == ["food"]


def test_the_whole_takes_the_longest_chain_not_the_sum():
    applying = ["registration", "food", "fire", "sign"]
    assert longest_path(RESTAURANT, applying, DAYS) == 13  # registration 3 + food 10
    assert sequential_total(applying, DAYS) == 28
    assert longest_path(RESTAURANT, [], DAYS) == 0


def test_a_definition_that_does_not_hold_together_is_told():
    assert (
        definition_problems(
            questions=[
                {"key": "seats", "kind": "number"},
                {"key": "sign", "kind": "yes_no"},
                {"key": "kitchen", "kind": "yes_no"},
                {"key": "sewer", "kind": "yes_no"},
            ],
            shared_fields=[{"key": "name"}],
            shared_materials=[{"key": "lease"}],
            members=RESTAURANT,
        )
        == []
    )
    problems = definition_problems(
        questions=[{"key": "seats", "kind": "slider"}, {"key": "seats", "kind": "number"}],
        shared_fields=[],
        shared_materials=[],
        members=[
            Member("a", condition={"question": "alcohol", "equals": True}, depends_on=("b",)),
            Member("b", depends_on=("a",)),
            Member("c", depends_on=("nobody",)),
        ],
    )
    assert "question key 'seats' is used twice" in problems
    assert "question 'seats' has an unknown kind" in problems
    assert "member 'a' asks the undeclared question 'alcohol'" in problems
    assert "member 'c' waits for 'nobody', not a member" in problems
    cycle = definition_problems(
        questions=[],
        shared_fields=[],
        shared_materials=[],
        members=[Member("a", depends_on=("b",)), Member("b", depends_on=("a",))],
    )
    assert cycle == ["the members wait for each other in a cycle"]


QUESTIONS = [
    {"key": "sign", "kind": "yes_no"},
    {"key": "seats", "kind": "number"},
    {"key": "form", "kind": "choice", "choices": [{"value": "company"}, {"value": "individual"}]},
]


def test_answers_typed_as_text_become_booleans_numbers_and_choices():
    from approvals.domain.themes import parse_answers

    answers, problems = parse_answers(
        QUESTIONS, {"sign": "Yes", "seats": "60", "form": "individual"}
    )

    assert problems == {}
    assert answers == {"sign": True, "seats": 60, "form": "individual"}
    assert parse_answers(QUESTIONS, {"sign": False, "seats": 2.5, "form": ""}) == (
        {"sign": False, "seats": 2.5},
        {},
    )


def test_answers_that_are_not_answers_are_refused_by_key():
    from approvals.domain.themes import AnswerProblem, parse_answers

    answers, problems = parse_answers(
        QUESTIONS,
        {"sign": "perhaps", "seats": "nan", "form": "co-op", "colour": "red"},
    )

    assert answers == {}
    assert problems == {
        "sign": AnswerProblem.NOT_YES_NO,
        "seats": AnswerProblem.NOT_NUMBER,
        "form": AnswerProblem.NOT_CHOICE,
        "colour": AnswerProblem.UNKNOWN,
    }
    assert parse_answers(QUESTIONS, {"seats": True})[1] == {"seats": AnswerProblem.NOT_NUMBER}
    assert parse_answers(QUESTIONS, {"seats": "-1"})[1] == {"seats": AnswerProblem.NOT_NUMBER}
