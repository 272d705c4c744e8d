"""Form schemas the tests share: the food business licence form of issue 3, and a builder for
small one-step schemas."""

import copy


def food_licence_schema() -> dict:
    """食品经营许可: two steps, a prefilled registry name, a conditional field, a repeating group
    and a checkbox that must be ticked (a fresh copy each call, so tests may alter it)."""
    return copy.deepcopy(_FOOD_LICENCE)


def one_step_schema(properties: dict, required: tuple = ()) -> dict:
    """A one-step schema holding ``properties`` (each given its titles if it has none)."""
    properties = copy.deepcopy(properties)
    for name, prop in properties.items():
        prop.setdefault("title", name.replace("_", " ").capitalize())
        prop.setdefault("x-title-zh", f"中文{name}")
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "x-steps": [
            {"key": "only", "title": "Details", "x-title-zh": "详情", "fields": list(properties)}
        ],
    }


_FOOD_LICENCE = {
    "type": "object",
    "properties": {
        "shop_name": {
            "type": "string",
            "title": "Shop name",
            "x-title-zh": "门店名称",
            "maxLength": 100,
            "x-prefill": "business.name",
        },
        "category": {
            "type": "string",
            "enum": ["retail", "catering"],
            "title": "Business category",
            "x-title-zh": "经营类别",
            "x-widget": "radio",
            "x-enum-labels": {
                "retail": {"en": "Food retail", "zh": "食品销售"},
                "catering": {"en": "Catering", "zh": "餐饮服务"},
            },
        },
        "seats": {
            "type": "integer",
            "minimum": 0,
            "title": "Seats",
            "x-title-zh": "座位数",
            "x-show-if": {"field": "category", "equals": "catering"},
        },
        "opening_date": {
            "type": "string",
            "format": "date",
            "title": "Planned opening date",
            "x-title-zh": "计划开业日期",
        },
        "floor_area": {
            "type": "number",
            "minimum": 1,
            "maximum": 100000,
            "title": "Floor area (m²)",
            "x-title-zh": "经营面积（平方米）",
            "description": "The area used for the business, in square metres.",
            "x-description-zh": "用于经营的面积，单位平方米。",
        },
        "staff": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "title": "Food safety staff",
            "x-title-zh": "食品安全管理人员",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "title": "Name", "x-title-zh": "姓名"},
                    "certificate": {
                        "type": "string",
                        "title": "Certificate no.",
                        "x-title-zh": "证书编号",
                    },
                },
                "required": ["name"],
            },
        },
        "notes": {"type": "string", "title": "Notes", "x-title-zh": "备注", "x-widget": "textarea"},
        "agrees": {
            "type": "boolean",
            "title": "I confirm the information is true",
            "x-title-zh": "本人承诺所填信息真实",
            "const": True,
        },
    },
    "required": ["shop_name", "category", "seats", "staff"],
    "x-steps": [
        {
            "key": "basic",
            "title": "About the business",
            "x-title-zh": "经营者信息",
            "fields": ["shop_name", "category", "seats"],
        },
        {
            "key": "premises",
            "title": "Premises and staff",
            "x-title-zh": "场所与人员",
            "fields": ["opening_date", "floor_area", "staff", "notes", "agrees"],
        },
    ],
}
