from approvals.dynamic_forms import summary_rows
from tests.approvals.dynamic_forms.schemas import food_licence_schema

ANSWERS = {
    "shop_name": "Good Food",
    "category": "retail",
    "seats": 12,  # stale: seats are asked only for catering
    "opening_date": "2025-03-01",
    "floor_area": 85.5,
    "staff": [{"name": "Li Lei", "certificate": "C-1"}, {"name": "Han Meimei"}],
    "agrees": True,
}


def rows_by_name():
    return {row["name"]: row for row in summary_rows(food_licence_schema(), ANSWERS)}


def test_rows_follow_the_steps_and_leave_out_hidden_fields():
    names = [row["name"] for row in summary_rows(food_licence_schema(), ANSWERS)]

    assert names == [
        "shop_name",
        "category",
        "opening_date",
        "floor_area",
        "staff",
        "notes",
        "agrees",
    ]


def test_values_are_shown_as_a_person_reads_them():
    rows = rows_by_name()

    assert rows["category"]["value"] == "Food retail"
    assert rows["opening_date"]["value"] == "March 1, 2025"
    assert rows["floor_area"]["value"] == "85.5"
    assert rows["agrees"]["value"] == "Yes"
    assert rows["category"]["step_title"] == "About the business"
    assert rows["staff"]["step"] == "premises"


def test_unanswered_fields_say_so():
    notes = rows_by_name()["notes"]

    assert notes["answered"] is False
    assert notes["value"] == "Not provided"


def test_group_rows_are_listed():
    staff = rows_by_name()["staff"]

    assert staff["entries"] == [
        [{"label": "Name", "value": "Li Lei"}, {"label": "Certificate no.", "value": "C-1"}],
        [
            {"label": "Name", "value": "Han Meimei"},
            {"label": "Certificate no.", "value": "Not provided"},
        ],
    ]
    assert "Li Lei" in staff["value"]
