"""The demo's made-up people, courtyards and units, placed in real Chengdu divisions.

Names and numbers are invented; the division codes are real (NBS 2023).
"""

from __future__ import annotations

DEMO_PASSWORD = "Gongzhi@2026"

# community code → courtyards → buildings
COURTYARDS: dict[str, dict[str, list[str]]] = {
    "510106041004": {  # 金牛区 沙河源街道 新桥社区
        "中加水岸小区": ["1栋", "2栋", "3栋"],
        "府河苑": ["1栋", "2栋"],
    },
    "510108015017": {  # 成华区 青龙街道 致强社区
        "濱海家園": ["A栋", "B栋"],
        "致强小区": ["1栋"],
    },
    "510114004019": {  # 新都区 新都街道 正因社区
        "正因花园": ["1栋", "2栋"],
    },
    "510107064004": {  # 武侯区 桂溪街道 永安社区 (成都高新区)
        "藍光御府花都": ["1栋", "2栋"],
    },
}

# name, kind, seat code, jurisdiction codes
UNITS: list[tuple[str, str, str, list[str]]] = [
    ("新桥社区居民委员会", "community", "510106041004", ["510106041004"]),
    ("致强社区居民委员会", "community", "510108015017", ["510108015017"]),
    ("沙河源街道办事处", "street", "510106041", ["510106041"]),
    ("金牛区住房和城乡建设局", "district_department", "510106", ["510106"]),
    ("金牛区综合行政执法局", "district_department", "510106", ["510106"]),
    ("成都市公安局金牛区分局户籍科", "police", "510106", ["510106"]),
    ("成华区住房和建设交通局", "district_department", "510108", ["510108"]),
    (
        "中加水岸物业服务中心",
        "property_company",
        "510106041004/中加水岸小区",
        ["510106041004/中加水岸小区"],
    ),
    ("金牛区社区发展治理委员会", "district_office", "510106", ["510106"]),
    ("成华区社区发展治理委员会", "district_office", "510108", ["510108"]),
    ("成都市住房和城乡建设局", "city_department", "5101", ["5101"]),
    ("成都市网络理政服务中心", "city_office", "5101", ["5101"]),
    ("正因社区居民委员会", "community", "510114004019", ["510114004019"]),
    ("永安社区居民委员会", "community", "510107064004", ["510107064004"]),
    ("青龙街道办事处", "street", "510108015", ["510108015"]),
    (
        "濱海家園物业服务中心",
        "property_company",
        "510108015017/濱海家園",
        ["510108015017/濱海家園"],
    ),
]

# category code ('' = any), place, unit: the most specific rule wins; cases no rule covers go
# to the community committee, and escalations without a rule to the general office above.
ROUTING_RULES: list[tuple[str, str, str]] = [
    ("property", "510106041004/中加水岸小区", "中加水岸物业服务中心"),
    ("property", "510106", "金牛区住房和城乡建设局"),
    ("household", "510106", "成都市公安局金牛区分局户籍科"),
    ("construction", "510106", "金牛区综合行政执法局"),
    ("roads", "510106", "金牛区综合行政执法局"),
    ("property", "510108015017/濱海家園", "濱海家園物业服务中心"),
    ("property", "510108", "成华区住房和建设交通局"),
    ("property", "5101", "成都市住房和城乡建设局"),
]

# username, name, phone, role, place (community code, or code/courtyard[/building]), unit
# (a person with a role and a unit appears twice: once per capacity)
PEOPLE: list[tuple[str, str, str, str, str, str]] = [
    ("zhangwei", "张伟", "13900001001", "resident", "510106041004/中加水岸小区/1栋", ""),
    ("lina", "李娜", "13900001002", "building_head", "510106041004/中加水岸小区/1栋", ""),
    ("wangfang", "王芳", "13900001003", "volunteer", "510106041004/中加水岸小区", ""),
    ("liuyang", "刘洋", "13900001004", "community_worker", "510106041004", "新桥社区居民委员会"),
    ("chenjing", "陈静", "13900001005", "community_worker", "510108015017", "致强社区居民委员会"),
    ("huangmin", "黄敏", "13900001006", "resident", "510108015017/濱海家園/A栋", ""),
    ("yangfan", "杨帆", "13900001007", "agent", "510106041004", ""),
    ("zhaolei", "赵磊", "13900001008", "", "", "金牛区住房和城乡建设局"),
    ("wuyong", "吴勇", "13900001012", "", "", "中加水岸物业服务中心"),
    ("zhoumin", "周敏", "13900001009", "supervisor", "510106", ""),
    ("wuqiang", "吴强", "13900001010", "official", "510106041", "沙河源街道办事处"),
    ("sunli", "孙丽", "13900001011", "official", "510106", ""),
    # Handlers of the other units, so every demo case can move through its whole loop.
    ("majun", "马军", "13900001013", "", "", "成都市公安局金牛区分局户籍科"),
    ("hetao", "何涛", "13900001014", "", "", "金牛区综合行政执法局"),
    ("luojia", "罗佳", "13900001015", "", "", "金牛区社区发展治理委员会"),
    ("tangli", "唐丽", "13900001016", "", "", "成都市住房和城乡建设局"),
    ("songyu", "宋宇", "13900001017", "", "", "成都市网络理政服务中心"),
    ("guohua", "郭华", "13900001018", "community_worker", "510114004019", "正因社区居民委员会"),
    ("fengyan", "冯艳", "13900001019", "community_worker", "510107064004", "永安社区居民委员会"),
    ("dengkai", "邓凯", "13900001020", "", "", "濱海家園物业服务中心"),
    ("xiebo", "谢波", "13900001021", "", "", "成华区住房和建设交通局"),
    ("hanmei", "韩梅", "13900001022", "official", "510108015", "青龙街道办事处"),
    ("caojing", "曹静", "13900001023", "", "", "成华区社区发展治理委员会"),
    ("zhoujie", "周杰", "13900001024", "supervisor", "510108", ""),
]
