"""The participation rate over REST: thin over analytics.selectors."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.analytics import selectors
from gongzhi.analytics.participation import Participation
from gongzhi.api.schema import Documented
from gongzhi.api.views import query_params
from gongzhi.core import clock
from gongzhi.core.errors import NotFound, NotPermitted
from gongzhi.places.models import Place


class ParticipationQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    period = serializers.ChoiceField(choices=list(selectors.PERIODS), default="quarter")
    day = serializers.DateField(
        required=False, help_text="A day in the period (Asia/Shanghai); default today."
    )


class ParticipationRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place_id = serializers.IntegerField(allow_null=True)
    place_name = serializers.CharField()
    residents = serializers.IntegerField(help_text="Registered residents of the place.")
    participants = serializers.IntegerField(help_text="Of them, those who took part.")
    rate = serializers.FloatField(allow_null=True, help_text="participants ÷ residents")
    by_source = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Residents who took part in each way (reported, commented, asked, objected…).",
    )


class ParticipationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place_id = serializers.IntegerField()
    period = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    current = ParticipationRowSerializer()
    previous = ParticipationRowSerializer(help_text="The same period one year earlier.")
    points = serializers.FloatField(
        allow_null=True, help_text="Change in percentage points year on year."
    )
    relative = serializers.FloatField(
        allow_null=True, help_text="Change relative to last year's rate (0.5 = +50 %)."
    )
    children = ParticipationRowSerializer(many=True, help_text="The places one level under it.")


def _row(row: Participation) -> dict[str, Any]:
    return {
        "place_id": row.place.pk if row.place else None,
        "place_name": row.place.name if row.place else "",
        "residents": row.residents,
        "participants": row.participants,
        "rate": row.rate,
        "by_source": row.by_source,
    }


class PlaceParticipation(Documented, APIView):
    @extend_schema(
        operation_id="places_participation",
        summary="Participation rate of a place (参与率)",
        description="Registered residents of the place who took part (reported, commented on "
        "or rated a case, asked, objected) in the period ÷ registered residents, with the same "
        "period a year earlier and the places one level under it. Needs permission "
        "analytics.view at the place (404 otherwise).",
        parameters=[ParticipationQuerySerializer],
        responses={200: ParticipationSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        params = query_params(ParticipationQuerySerializer, request)
        place = get_object_or_404(Place, pk=pk)
        try:
            report = selectors.participation_report(
                viewer=request.user,
                place=place,
                period=params["period"],
                day=params.get("day") or clock.today(),
            )
        except NotPermitted:
            raise NotFound() from None
        c = report.comparison
        return Response(
            ParticipationSerializer(
                {
                    "place_id": place.pk,
                    "period": report.period,
                    "start": c.start,
                    "end": c.end,
                    "current": _row(c.current),
                    "previous": _row(c.previous),
                    "points": c.points,
                    "relative": c.relative,
                    "children": [_row(row) for row in report.children],
                }
            ).data
        )
