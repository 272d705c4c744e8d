from accounts.identifiers import mask_id_number
from approvals.dynamic_forms import summary_rows
from approvals.dynamic_forms.summary import masked_answers
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


def test_a_resident_id_number_typed_anywhere_is_shown_masked():
    # Given a staff member's certificate typed as a resident ID number, and the shop's name too
    answers = {
        **ANSWERS,
        "shop_name": "11010519491231002X",
        "staff": [{"name": "Li Lei", "certificate": "11010519491231002X"}],
    }

    # When the answers are shown (the pages) or read (the API)
    rows = {row["name"]: row for row in summary_rows(food_licence_schema(), answers)}
    read = masked_answers(food_licence_schema(), answers)

    # Then no line holds the number, and what is not an ID number is left as it is
    shown = str(rows) + str(read)
    assert "11010519491231002X" not in shown
    assert mask_id_number("11010519491231002X") in rows["staff"]["entries"][0][1]["value"]
    assert read["staff"] == [
        {"name": "Li Lei", "certificate": mask_id_number("11010519491231002X")}
    ]
    assert read["seats"] == 12 and read["category"] == "retail"
    # (an invalid number is not one: "110105194912310021" fails the check character)
    assert masked_answers(food_licence_schema(), {"shop_name": "110105194912310021"}) == {
        "shop_name": "110105194912310021"
    }
