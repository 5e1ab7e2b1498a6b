"""Routing suggestions: trained on a synthetic history built through the services."""

from __future__ import annotations

import datetime as dt
import io
import random

import numpy as np
import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string

from gongzhi.accounts.models import UnitMembership
from gongzhi.cases import services, suggest, suggest_model
from gongzhi.cases.models import Case, RoutingModel
from gongzhi.cases.tests.conftest import MONDAY_MORNING, category, unit
from gongzhi.core import clock, schedule
from gongzhi.places.models import Place

# Four categories with their own words; fillers every report may use.
WORDS = {
    "property.elevator": (
        ["电梯停运", "电梯故障", "电梯困人", "电梯异响", "电梯门关不上"],
        ["老人上下楼困难", "按钮失灵", "轿厢晃动", "维保人员一直没来", "经常停在半层"],
    ),
    "property.leak": (
        ["楼道渗水", "楼上漏水", "水管爆裂", "天花板滴水", "外墙渗漏"],
        ["墙面发霉脱落", "卫生间渗到我家", "下雨天更严重", "地面大片积水", "防水层破损"],
    ),
    "environment.garbage": (
        ["垃圾没人清运", "垃圾桶满了", "建筑垃圾乱堆", "垃圾站臭味", "垃圾分类混乱"],
        ["招来很多蚊蝇", "气味难闻", "占用消防通道", "好几天没有收", "野猫翻得到处都是"],
    ),
    "environment.noise": (
        ["夜间施工噪音", "广场舞噪音", "商铺音响扰民", "装修噪音", "酒吧吵闹"],
        ["影响休息", "声音很大", "一直持续到深夜", "孩子睡不着觉", "喇叭开得太响"],
    ),
}
FILLERS = ["请尽快处理", "已经反映多次", "希望有人管一管", "麻烦相关部门看看", "谢谢"]
COURTYARDS = ["中加水岸小区", "府河苑", "濱海家園"]
# Who handles what where, by the demo's routing rules (the community committee otherwise).
EXPECTED_UNIT = {
    ("中加水岸小区", "property"): "中加水岸物业服务中心",
    ("府河苑", "property"): "金牛区住房和城乡建设局",
    ("濱海家園", "property"): "濱海家園物业服务中心",
    ("中加水岸小区", "environment"): "新桥社区居民委员会",
    ("府河苑", "environment"): "新桥社区居民委员会",
    ("濱海家園", "environment"): "致强社区居民委员会",
}


@pytest.fixture(autouse=True)
def fresh_process():
    """Each test starts, and leaves, as a process that has loaded no model."""
    suggest.forget()
    yield
    suggest.forget()


def building_in(courtyard: str) -> Place:
    return Place.objects.filter(parent__name=courtyard, level="building").order_by("path").first()


def make_history(actor, count: int = 200, seed: int = 7) -> list[Case]:
    """`count` resolved cases, spread evenly over the four categories and three courtyards."""
    rnd = random.Random(seed)
    buildings = {name: list(Place.objects.filter(parent__name=name)) for name in COURTYARDS}
    handlers = {
        m.unit_id: m.user for m in UnitMembership.objects.select_related("user").order_by("-id")
    }
    categories = {code: category(code) for code in WORDS}
    cases = []
    with clock.frozen(MONDAY_MORNING):
        for i in range(count):
            code = list(WORDS)[i % len(WORDS)]
            titles, details = WORDS[code]
            building = rnd.choice(buildings[COURTYARDS[(i // len(WORDS)) % len(COURTYARDS)]])
            description = "，".join(
                [f"{building.name}{rnd.choice(titles)}", *rnd.sample(details, 2)]
                + [rnd.choice(FILLERS)]
            )
            case = services.case_report(
                actor=actor,
                channel="web",
                category=categories[code],
                nature="help",
                title=rnd.choice(titles),
                description=description + "。",
                place=building,
            )
            handler = handlers[case.unit_id]
            services.case_accept(actor=handler, case=case)
            cases.append(services.case_resolve(actor=handler, case=case, resolution="已处理。"))
    return cases


@pytest.fixture
def history(resident):
    return make_history(resident)


def test_it_suggests_nothing_with_too_little_history(resident, settings):
    settings.ROUTER_MIN_CASES = 50
    make_history(resident, count=40)
    result = suggest_model.router_train()
    assert not result.trained and "Too little history: 40" in result.message
    assert not RoutingModel.objects.exists()
    assert suggest.suggest("电梯停运", "老人上下楼困难", building_in("府河苑")) is None
    assert not suggest.router_status().available

    # Enough cases, but fewer than two categories with enough of them each.
    settings.ROUTER_MIN_CASES = 10
    result = suggest_model.router_train(min_class=11)  # 10 cases per category: none counts
    assert not result.trained and result.categories == 0
    assert suggest_model.router_train(min_class=10).trained  # 4 categories of 10: enough


def test_it_learns_category_and_unit_from_the_history(history):
    out = io.StringIO()
    call_command("train_router", stdout=out)  # gongzhi train-router
    printed = out.getvalue()
    assert "Samples: 200 resolved and closed cases" in printed
    assert "Classes: 4 categories, 5 units" in printed
    assert "Held-out accuracy (40 cases, 20%)" in printed

    row = RoutingModel.objects.get()
    assert row.category_accuracy >= 0.8 and f"category {row.category_accuracy:.1%}" in printed
    assert row.unit_accuracy is not None and row.unit_accuracy >= 0.8
    assert row.metrics["unit_accuracy_suggested_category"] >= 0.8
    assert row.samples == 200 and row.metrics["held_out"] == 40
    assert sorted(row.labels["category"]) == sorted(category(c).pk for c in WORDS)
    assert len(row.labels["unit"]) == 5 and row.data

    cases = [
        ("电梯又坏了", "3栋电梯困人，按钮失灵", "中加水岸小区", "property.elevator"),
        ("漏水", "楼上卫生间漏水，天花板一直滴水", "府河苑", "property.leak"),
        ("樓上漏水", "廚房天花板滴水，牆面發霉", "濱海家園", "property.leak"),  # 繁體
        ("垃圾堆了好几天", "垃圾桶满了没人清运，气味难闻", "中加水岸小区", "environment.garbage"),
        ("太吵了", "晚上广场舞噪音很大，孩子睡不着", "濱海家園", "environment.noise"),
    ]
    for title, description, courtyard, code in cases:
        found = suggest.suggest(title, description, building_in(courtyard))
        assert found is not None
        assert found.category == category(code) and found.category_confidence > 0.5, title
        family = code.split(".")[0]
        assert found.unit == unit(EXPECTED_UNIT[courtyard, family]), title
        assert found.unit_confidence > 0.5 and found.model_id == row.pk

    # The same words, another courtyard: another unit (units follow category × place).
    here = suggest.suggest("电梯停运", "老人上下楼困难", building_in("中加水岸小区"))
    there = suggest.suggest("电梯停运", "老人上下楼困难", building_in("府河苑"))
    assert here and there and here.category == there.category
    assert (here.unit, there.unit) == (unit("中加水岸物业服务中心"), unit("金牛区住房和城乡建设局"))

    # The dispatcher knows the case's category: the unit is suggested for it.
    given = suggest.suggest(
        "电梯停运", "老人上下楼困难", building_in("府河苑"), category=category("environment.noise")
    )
    assert given and given.unit == unit("新桥社区居民委员会")

    # Nothing the model knows: no suggestion rather than a guess.
    assert suggest.suggest("你好", "", building_in("府河苑")) is None


def test_the_model_lives_in_the_database_and_each_process_loads_it_once(
    history, monkeypatch, django_assert_num_queries
):
    now = [1000.0]
    monkeypatch.setattr(suggest, "_monotonic", lambda: now[0])
    first = suggest_model.router_train().model_id
    suggest.forget()  # a new process: nothing in memory

    place = building_in("中加水岸小区")  # (its path is all a suggestion needs of it)
    # Newest row id, the row, its categories and units.
    with django_assert_num_queries(4):
        assert suggest.suggest("电梯停运", "老人上下楼困难", place).model_id == first
    with django_assert_num_queries(0):
        for _ in range(3):
            assert suggest.suggest("楼上漏水", "天花板滴水", place).model_id == first

    second = suggest_model.router_train().model_id
    assert second != first
    now[0] += 30  # within the refresh interval: the copy in memory serves
    with django_assert_num_queries(0):
        assert suggest.suggest("电梯停运", "", place).model_id == first
    now[0] += 31  # past it: one look at the newest id, then the newer model
    with django_assert_num_queries(4):
        assert suggest.suggest("电梯停运", "", place).model_id == second

    # A unit switched off is no longer suggested once the process looks again.
    property_company = unit("中加水岸物业服务中心")
    property_company.is_active = False
    property_company.save(update_fields=["is_active"])
    now[0] += 61
    with django_assert_num_queries(3):  # the same model: its labels are read again
        found = suggest.suggest("电梯停运", "老人上下楼困难", place)
    assert found and found.unit != property_company

    # Only the last few models are kept.
    for _ in range(3):
        suggest_model.router_train()
    assert RoutingModel.objects.count() == suggest_model.models_kept()

    assert suggest.router_status().available
    latency = suggest.measure_latency(calls=50)
    assert latency is not None and latency["p50_ms"] < 50


def test_train_router_command_says_when_history_is_too_short(db):
    out = io.StringIO()
    call_command("train_router", stdout=out)
    assert "Too little history" in out.getvalue() and "suggestions stay off" in out.getvalue()


def test_a_daily_retrain_is_declared_and_runs_as_a_task(db):
    job = next(p for p in schedule.PERIODIC if p.name == "cases.train_router")
    assert job.every == dt.timedelta(days=1)
    task = import_string(job.task)
    result = task.call()
    assert result["trained"] is False and result["samples"] == 0


def test_the_model_computes_what_scikit_learn_computes():
    """Router's own arithmetic (no scikit-learn at suggestion time) against predict_proba,
    for two classes (a single row of weights) and for several."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    docs = [
        ["电梯", "停运", "@0001"],
        ["漏水", "渗水"],
        ["电梯", "异响"],
        ["漏水", "滴水", "@0001"],
    ]
    for labels in ([1, 2, 1, 2], [1, 2, 3, 2]):
        vectorizer = TfidfVectorizer(analyzer=suggest_model._same, sublinear_tf=True)
        matrix = vectorizer.fit_transform(docs)
        model = LogisticRegression(C=10).fit(matrix, labels)
        router = suggest_model.Router(
            vocabulary=vectorizer.get_feature_names_out().tolist(),
            idf=vectorizer.idf_.astype(np.float32),
            category=suggest_model._Head.from_sklearn(model),
            unit=None,
            cross_vocabulary=[],
            parents={},
        )
        router = suggest_model.Router.from_bytes(router.to_bytes())  # and back from storage
        for i, doc in enumerate([*docs, ["电梯", "电梯", "渗水", "unknown"]]):
            expected = model.predict_proba(vectorizer.transform([doc]))[0]
            got = router.category_probabilities(*router.vector(doc))
            assert np.allclose(got, expected, atol=1e-5), (labels, i)
