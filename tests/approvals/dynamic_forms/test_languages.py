"""Labels, hints and choices in the active language."""

from django.utils import translation

from approvals.dynamic_forms import build_step_form, steps, summary_rows
from tests.approvals.dynamic_forms.helpers import post_data, render_fields
from tests.approvals.dynamic_forms.schemas import food_licence_schema


def premises_html() -> str:
    return render_fields(build_step_form(food_licence_schema(), "premises"))


def test_english_labels_hints_and_step_titles():
    with translation.override("en"):
        html = premises_html()
        titles = [step.title for step in steps(food_licence_schema())]

    assert "Floor area (m²)" in html
    assert "The area used for the business, in square metres." in html
    assert "Food safety staff 1" in html
    assert titles == ["About the business", "Premises and staff"]


def test_chinese_labels_hints_and_step_titles():
    with translation.override("zh-hans"):
        html = premises_html()
        titles = [step.title for step in steps(food_licence_schema())]

    assert "经营面积（平方米）" in html
    assert "用于经营的面积，单位平方米。" in html
    assert "食品安全管理人员 1" in html
    assert "Floor area" not in html
    assert titles == ["经营者信息", "场所与人员"]


def test_choice_labels_follow_the_language():
    with translation.override("zh-hans"):
        chinese = render_fields(build_step_form(food_licence_schema(), "basic"))
    with translation.override("en"):
        english = render_fields(build_step_form(food_licence_schema(), "basic"))

    assert "餐饮服务" in chinese
    assert "Catering" not in chinese
    assert "Catering" in english


def test_error_messages_follow_the_language():
    data = post_data({"category": "catering", "seats": "-1"})

    with translation.override("zh-hans"):
        form = build_step_form(food_licence_schema(), "basic", data=data)
        assert form.errors["seats"] == ["确保该值大于或等于0。"]


def test_the_summary_follows_the_language():
    data = {"shop_name": "好味道", "category": "catering", "seats": 40, "agrees": True}

    with translation.override("zh-hans"):
        rows = {row["name"]: row for row in summary_rows(food_licence_schema(), data)}

    assert rows["category"]["label"] == "经营类别"
    assert rows["category"]["value"] == "餐饮服务"
    assert rows["agrees"]["value"] != "Yes"
    assert rows["agrees"]["value"] == "是"
