"""Shared test fixtures: the named actors every app's tests use.

resident      张伟, verified resident of 中加水岸小区 1栋 (新桥社区)
worker        刘洋, community worker of 新桥社区 (金牛区 沙河源街道)
outsider      陈静, community worker of 致强社区 (成华区 青龙街道): sees nothing of 新桥社区
other_resident 黄敏, resident of 濱海家園 (致强社区)
handler       赵磊, handler in 金牛区住房和城乡建设局
supervisor    周敏, supervisor of 金牛区
admin         superuser
"""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import User
from gongzhi.places.models import Place

# The browser-test harness (Playwright, Chromium, axe-core): one plugin for the whole run, so a
# single session-scoped Chromium serves every app's browser tests.
pytest_plugins = ["gongzhi.testing.browser"]


def _ensure_demo() -> None:
    from gongzhi.demo.loader import demo_load

    if not User.objects.filter(username="admin").exists():
        demo_load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo data once into the test database; each test runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        _ensure_demo()


@pytest.fixture(autouse=True)
def _process_caches():
    """What an app server remembers in memory (the intake's categories and places, API tokens)
    would outlive a test's rolled-back transaction: forgotten after each test."""
    yield
    from gongzhi.api import authentication
    from gongzhi.cases import intake

    intake.caches_clear()
    authentication.forget()


@pytest.fixture
def demo(db):
    """The demo's places, units and people (成都市's divisions plus a few courtyards and people),
    loaded once per session; each test runs in a transaction that is rolled back."""
    _ensure_demo()


@pytest.fixture
def demo_committed(transactional_db):
    """The demo data for transactional tests (real concurrent transactions, live servers).

    Such tests empty the database after themselves, so the data is loaded again if missing.
    Emptying a SQLite database deletes rows one by one, which the audit log's guard trigger
    refuses; it is lifted for the flush and put back before the next test.
    """
    from django.db import connection

    from gongzhi.core import db_guards
    from gongzhi.fund import db_guards as fund_guards

    db_guards.install(connection)
    fund_guards.install(connection)
    _ensure_demo()
    yield
    if connection.vendor == "sqlite":
        db_guards.remove(connection)
        fund_guards.remove(connection)


def _user(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def admin_user(demo) -> User:
    return _user("admin")


@pytest.fixture
def resident(demo) -> User:
    return _user("zhangwei")


@pytest.fixture
def other_resident(demo) -> User:
    return _user("huangmin")


@pytest.fixture
def worker(demo) -> User:
    return _user("liuyang")


@pytest.fixture
def outsider(demo) -> User:
    return _user("chenjing")


@pytest.fixture
def handler(demo) -> User:
    return _user("zhaolei")


@pytest.fixture
def supervisor(demo) -> User:
    return _user("zhoumin")


@pytest.fixture
def xinqiao(demo) -> Place:
    return Place.objects.get(code="510106041004")


@pytest.fixture
def zhiqiang(demo) -> Place:
    return Place.objects.get(code="510108015017")
