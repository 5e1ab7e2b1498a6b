"""The default category tree, extra questions and time limits (loaded by a data migration;
administrators edit them afterwards in the admin)."""

from __future__ import annotations

from typing import Any

# code, name, English name, children [(code, name, name_en)], questions
CATEGORIES: list[dict[str, Any]] = [
    {
        "code": "property",
        "name": "物业与设施",
        "name_en": "Property and facilities",
        "children": [
            ("property.elevator", "电梯故障", "Lift out of order"),
            ("property.leak", "漏水渗水", "Leaks and seepage"),
            ("property.lighting", "公共照明", "Public lighting"),
            ("property.other", "其他物业问题", "Other property issues"),
        ],
        "questions": [
            {
                "code": "unit_no",
                "label": "楼栋单元",
                "label_en": "Building and entrance",
                "datatype": "string",
            },
            {
                "code": "since",
                "label": "问题持续多久",
                "label_en": "How long has it lasted",
                "datatype": "singlevaluelist",
                "choices": [
                    ("today", "今天", "Today"),
                    ("week", "一周内", "Within a week"),
                    ("month", "一个月以上", "Over a month"),
                ],
            },
        ],
    },
    {
        "code": "environment",
        "name": "环境卫生",
        "name_en": "Environment and sanitation",
        "children": [
            ("environment.garbage", "垃圾清运", "Rubbish collection"),
            ("environment.noise", "噪音扰民", "Noise"),
            ("environment.greening", "绿化养护", "Green spaces"),
        ],
        "questions": [
            {
                "code": "kinds",
                "label": "问题类型",
                "label_en": "Kind of problem",
                "datatype": "multivaluelist",
                "choices": [
                    ("rubbish", "垃圾堆放", "Piled rubbish"),
                    ("sewage", "污水", "Sewage"),
                    ("noise", "噪音", "Noise"),
                    ("smell", "异味", "Smell"),
                ],
            },
        ],
    },
    {
        "code": "security",
        "name": "治安管理",
        "name_en": "Public security",
        "children": [],
        "questions": [
            {
                "code": "ongoing",
                "label": "是否正在发生",
                "label_en": "Is it happening now",
                "datatype": "singlevaluelist",
                "required": True,
                "choices": [("yes", "是", "Yes"), ("no", "否", "No")],
            },
        ],
    },
    {
        "code": "household",
        "name": "户籍证件",
        "name_en": "Household registration and certificates",
        "children": [],
        "questions": [
            {
                "code": "document",
                "label": "证件类型",
                "label_en": "Document",
                "datatype": "singlevaluelist",
                "choices": [
                    ("id_card", "身份证", "ID card"),
                    ("hukou", "户口簿", "Household register"),
                    ("residence", "居住证", "Residence permit"),
                    ("other", "其他", "Other"),
                ],
            },
        ],
    },
    {
        "code": "social_security",
        "name": "社会保障",
        "name_en": "Social security",
        "children": [],
        "questions": [],
    },
    {
        "code": "roads",
        "name": "道路交通",
        "name_en": "Roads and traffic",
        "children": [
            ("roads.damage", "路面破损", "Damaged road surface"),
            ("roads.parking", "乱停乱放", "Illegal parking"),
        ],
        "questions": [
            {
                "code": "seen_at",
                "label": "发现时间",
                "label_en": "When did you see it",
                "datatype": "datetime",
            },
        ],
    },
    {
        "code": "neighbours",
        "name": "邻里纠纷",
        "name_en": "Neighbour disputes",
        "children": [],
        "questions": [
            {
                "code": "households",
                "label": "涉及户数",
                "label_en": "Households involved",
                "datatype": "number",
            },
        ],
    },
    {
        "code": "construction",
        "name": "违章建筑",
        "name_en": "Construction and illegal building",
        "children": [],
        "questions": [
            {
                "code": "area",
                "label": "面积约(平方米)",
                "label_en": "Approximate area (m²)",
                "datatype": "number",
            },
        ],
    },
    {
        "code": "care",
        "name": "养老托幼",
        "name_en": "Elderly and child care",
        "children": [],
        "questions": [
            {
                "code": "people",
                "label": "需要帮助的人数",
                "label_en": "People who need help",
                "datatype": "number",
            },
            {
                "code": "situation",
                "label": "家庭情况",
                "label_en": "Family situation",
                "datatype": "text",
            },
        ],
    },
    {"code": "other", "name": "其他", "name_en": "Other", "children": [], "questions": []},
]


def load_defaults(Category: Any, CategoryQuestion: Any, TimeLimit: Any) -> None:  # noqa: N803 (migration models)
    from gongzhi.cases.deadlines import DEFAULTS

    for order, spec in enumerate(CATEGORIES):
        parent, _created = Category.objects.get_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "name_en": spec["name_en"], "order": order},
        )
        for child_order, (code, name, name_en) in enumerate(spec["children"]):
            Category.objects.get_or_create(
                code=code,
                defaults={"name": name, "name_en": name_en, "order": child_order, "parent": parent},
            )
        for q_order, q in enumerate(spec["questions"], start=1):
            CategoryQuestion.objects.get_or_create(
                category=parent,
                code=q["code"],
                defaults={
                    "label": q["label"],
                    "label_en": q["label_en"],
                    "datatype": q["datatype"],
                    "required": q.get("required", False),
                    "order": q_order,
                    "choices": [
                        {"key": k, "name": n, "name_en": e} for k, n, e in q.get("choices", [])
                    ],
                },
            )
    for nature, urgency, limit in DEFAULTS:
        TimeLimit.objects.get_or_create(
            category=None,
            nature=nature,
            urgency=urgency,
            defaults={
                "accept_amount": limit.accept_amount,
                "accept_unit": limit.accept_unit,
                "resolve_amount": limit.resolve_amount,
                "resolve_unit": limit.resolve_unit,
            },
        )
