"""row_insert writes the row `save()` would write, with its statement compiled once."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.models import Unit
from gongzhi.cases.models import Intake
from gongzhi.core import clock
from gongzhi.core.rows import row_insert

pytestmark = pytest.mark.django_db

REPORT = {
    "title": "楼道天花板渗水 \"引号\" 'quote' %s %(x)s",
    "answers": {"since": "week", "n": 3, "ok": True, "none": None},
    "latitude": str(Decimal("30.123456")),
}


def _columns(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_row_is_the_one_save_writes(resident):
    at = dt.datetime(2026, 11, 17, 9, 0, 0, 123456, tzinfo=clock.SHANGHAI)
    saved = Intake.objects.create(actor=resident, received_at=at, report=REPORT)
    inserted = Intake(actor=resident, received_at=at, report=REPORT)

    with CaptureQueriesContext(connection) as queries:  # seen by Django's query tools
        row_insert(inserted)

    assert len(queries) == 1 and queries[0]["sql"].upper().startswith("INSERT")
    assert not inserted._state.adding and inserted._state.db == "default"
    read_back = {
        key: value
        for key, value in _columns(Intake.objects.get(pk=inserted.pk)).items()
        if key != "id"
    }
    expected = {k: v for k, v in _columns(Intake.objects.get(pk=saved.pk)).items() if k != "id"}
    assert read_back == expected
    assert read_back["report"] == REPORT and read_back["received_at"] == at


def test_rows_written_one_after_another_keep_their_own_values(resident):
    keys = [uuid.uuid4() for _ in range(3)]
    for number, key in enumerate(keys):
        row_insert(Intake(id=key, actor=resident, received_at=clock.now(), report={"n": number}))
    assert [Intake.objects.get(pk=key).report for key in keys] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_database_errors_are_djangos(resident):
    row = Intake(actor=resident, received_at=clock.now(), report={})
    row_insert(row)
    again = Intake(id=row.id, actor=resident, received_at=clock.now(), report={})
    with pytest.raises(IntegrityError), transaction.atomic():
        row_insert(again)


def test_models_whose_values_the_database_gives_are_refused():
    with pytest.raises(TypeError, match="database gives"):
        row_insert(Unit(name="x"))
    assert not Unit.objects.filter(name="x").exists()
