"""The intake queue refuses exactly what a report registered at once refuses (property test).

The queue reads categories and places from per-process caches and its own serializer; the
synchronous path from the database. For any mix of right and wrong values, both must name the
same fields at fault, and when both accept, the service's checks must clean the report alike.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.cases import intake, services
from gongzhi.cases import serializers as s
from gongzhi.cases.choices import Nature
from gongzhi.cases.models import Category

pytestmark = pytest.mark.django_db

TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "   ", " 电梯停了 ", "渗水\x00", "长" * 81, "长" * 4001]),
)


def _fields_at_fault(serializer_class, data, resident, questions_from_catalog):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        return set(serializer.errors), None
    valid = serializer.validated_data
    category = valid["category"]
    errors, clean = services.check_report(
        channel=valid["channel"],
        category=category,
        nature=valid["nature"],
        urgency=valid["urgency"],
        title=valid["title"],
        description=valid["description"],
        answers=valid["answers"],
        reporter=resident,
        questions=intake.catalog().questions.get(category.pk) if questions_from_catalog else None,
    )
    return set(errors), clean


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(draw=st.data())
def test_the_queue_refuses_exactly_what_a_report_at_once_refuses(draw, resident, building):
    elevator = Category.objects.get(code="property.elevator")
    data = {
        "category": draw.draw(
            st.sampled_from(
                ["property", "security", elevator.pk, str(elevator.pk), "no-such", "", 10**12]
            )
        ),
        "nature": draw.draw(st.sampled_from([*Nature.values, "rant", ""])),
        "title": draw.draw(TEXT),
        "description": draw.draw(TEXT),
        "place": draw.draw(st.sampled_from([building.pk, str(building.pk), 987654321, "x", 0])),
        "channel": draw.draw(st.sampled_from(["web", "api"])),
    }
    answers = draw.draw(
        st.sampled_from(
            [None, {}, {"unit_no": "2单元"}, {"since": "week"}, {"ongoing": "yes"}, ["x"], "x"]
        )
    )
    if answers is not None:
        data["answers"] = answers
    for key, values in (("latitude", [30.7, 123, "x"]), ("address", ["", "1栋", "长" * 201])):
        if draw.draw(st.booleans()):
            data[key] = draw.draw(st.sampled_from(values))

    at_once, clean_at_once = _fields_at_fault(s.CaseReportSerializer, data, resident, False)
    queued, clean_queued = _fields_at_fault(s.IntakeReportSerializer, data, resident, True)

    assert queued == at_once, data
    assert clean_queued == clean_at_once, data
