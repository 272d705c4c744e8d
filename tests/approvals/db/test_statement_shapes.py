"""``rows_by_shape``: a statement compiled once per key answers every caller with their own values,
and a statement whose values are not all parameters is built each time instead."""

import pytest

from approvals.db import statement_shapes
from approvals.db.statement_shapes import forget_shapes, rows_by_shape
from approvals.models import ReviewTask
from tests.factories import DepartmentFactory, ReviewTaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh():
    forget_shapes()
    yield
    forget_shapes()


@pytest.fixture
def tasks():
    departments = [DepartmentFactory(), DepartmentFactory()]
    made = {
        department.pk: [
            ReviewTaskFactory(department=department, role=role, status="open")
            for role in ["reviewer", "approver", "reviewer"]
        ]
        for department in departments
    }
    return departments, made


def of_department(values):
    return (
        ReviewTask.objects.filter(department_id=values["department"], role=values["role"])
        .select_related("department", "application")
        .order_by("pk")
    )


def test_one_shape_answers_each_caller_with_their_values(tasks, django_assert_num_queries):
    departments, made = tasks
    first, second = (department.pk for department in departments)
    rows_by_shape("tasks", of_department, {"department": first, "role": "reviewer"})

    with django_assert_num_queries(1):
        found = rows_by_shape("tasks", of_department, {"department": second, "role": "reviewer"})

    assert [task.pk for task in found] == [made[second][0].pk, made[second][2].pk]
    assert found[0].department.pk == second  # the related rows are loaded with them
    assert found[0].application.pk == made[second][0].application_id
    approvers = rows_by_shape("tasks", of_department, {"department": first, "role": "approver"})
    assert [task.pk for task in approvers] == [made[first][1].pk]


def test_tuples_come_back_as_values_list_gives_them(tasks):
    departments, _ = tasks

    def codes(values):
        return ReviewTask.objects.filter(department_id=values["department"]).values_list(
            "department__code", "role", "due_on"
        )

    for department in departments:
        found = rows_by_shape("codes", codes, {"department": department.pk})

        assert sorted(found, key=str) == sorted(codes({"department": department.pk}), key=str)


def test_a_value_written_into_the_sql_makes_the_statement_built_each_time(tasks):
    """A slice's bounds are written into the SQL, not passed as parameters: the stand-in build
    shows it, and the key is then built for each caller."""
    departments, made = tasks
    department = departments[0].pk

    def first_rows(values):
        return ReviewTask.objects.filter(department_id=department).order_by("pk")[: values["limit"]]

    assert len(rows_by_shape("first", first_rows, {"limit": 1})) == 1
    assert len(rows_by_shape("first", first_rows, {"limit": 2})) == 2
    assert [task.pk for task in rows_by_shape("first", first_rows, {"limit": 3})] == [
        task.pk for task in made[department]
    ]


def test_only_ints_and_strings_are_values(tasks):
    with pytest.raises(TypeError):
        rows_by_shape("dated", of_department, {"department": 1.5, "role": "reviewer"})


def test_the_shapes_kept_are_bounded(tasks, monkeypatch):
    monkeypatch.setattr(statement_shapes, "MAX_SHAPES", 2)

    for number in range(5):
        rows_by_shape(("tasks", number), of_department, {"department": 1, "role": "reviewer"})

    assert len(statement_shapes._shapes) == 2
