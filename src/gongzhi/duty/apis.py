"""The duty API: rosters, shifts, swaps, who is on duty, volunteers and service records.

Thin over services and selectors. Objects the caller may not see are 404; a service's
NotPermitted is 403, its InvalidInput 400 with the fields, its Conflict (a step not possible
now: a full shift, a swap already decided) 409.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.accounts.models import User
from gongzhi.api.errors import ErrorSerializer
from gongzhi.api.schema import Documented
from gongzhi.api.views import place_param, query_params
from gongzhi.core import clock
from gongzhi.core.errors import NotFound
from gongzhi.duty import selectors, services, volunteering
from gongzhi.duty import serializers as s
from gongzhi.duty.models import Roster, ServiceRecord, Volunteer

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Not possible now (code `conflict`): a full shift, a person not on it, a swap "
    "already decided or no longer applying, a shift already started.",
)

UNKNOWN_REFERENCE = OpenApiResponse(
    ErrorSerializer,
    description="A place, person, shift or registry entry named in the body does not exist or "
    "is not one you may see (code `not_found`, the field in `fields`).",
)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated (the default) lets only users in
    return user


def _parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _person(user_id: int | None, field: str) -> User:
    person = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if person is None:
        raise NotFound(fields={field: [str(NotFound.default_message)]})
    return person


def _period(params: dict[str, Any], days: int = 30) -> tuple[dt.date, dt.date]:
    start = params.get("start") or clock.today()
    return start, params.get("end") or start + dt.timedelta(days=days)


V = TypeVar("V", bound=APIView)


def _step_view(
    base: type[V], prefix: str, step: str, request: Any, response: Any, summary: str
) -> type[V]:
    """A POST endpoint taking one step (`step`) on an object, documented with its 409."""
    view = type(f"{base.__name__}{step.title()}", (base,), {"step": step})
    documented: type[V] = extend_schema_view(
        post=extend_schema(
            operation_id=f"duty_{prefix}_{step}",
            summary=summary,
            request=request,
            responses={200: response, 409: CONFLICT},
        )
    )(view)
    return documented


# ---------------------------------------------------------------- who is on duty


class OnDuty(Documented, APIView):
    @extend_schema(
        summary="Who is on duty now for a place",
        description="The people on the shifts covering this moment of the place's roster, or "
        "of its nearest ancestor with someone on duty. Names are masked (张*) unless you see "
        "the place's rosters (duty.view).",
        parameters=[s.PlaceParamSerializer],
        responses={200: s.OnDutySerializer},
    )
    def get(self, request: Request) -> Response:
        place = place_param(query_params(s.PlaceParamSerializer, request), "place")
        assert place is not None
        now = clock.now()
        people = [
            {"id": u.pk, "name": selectors.display_name(request.user, u, place)}
            for u in selectors.on_duty_users(place=place, at=now)
        ]
        return Response(s.OnDutySerializer({"place": place.pk, "at": now, "people": people}).data)


# ---------------------------------------------------------------- rosters and shifts


@extend_schema_view(
    get=extend_schema(
        summary="Rosters you may see",
        description="Rosters of the places where you hold duty.view; keyset-paginated.",
    )
)
class RosterListCreate(Documented, generics.ListAPIView[Roster]):
    serializer_class = s.RosterSerializer

    def get_queryset(self) -> QuerySet[Roster]:
        return selectors.roster_list(viewer=self.request.user)

    @extend_schema(
        summary="Create a roster for a courtyard or community",
        request=s.RosterCreateSerializer,
        responses={201: s.RosterSerializer, 404: UNKNOWN_REFERENCE},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.RosterCreateSerializer, request)
        place = place_param(data, "place")
        assert place is not None
        roster = services.roster_create(actor=_user(request), place=place, name=data["name"])
        return Response(s.RosterSerializer(roster).data, status=status.HTTP_201_CREATED)


class RosterDetail(Documented, APIView):
    @extend_schema(
        summary="One roster with the people in its rotation",
        responses={200: s.RosterDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        roster = selectors.roster_get(viewer=request.user, roster_id=pk)
        context = {"members": selectors.roster_members(roster=roster)}
        return Response(s.RosterDetailSerializer(roster, context=context).data)


class RosterMemberAdd(Documented, APIView):
    @extend_schema(
        summary="Put a person into the rotation",
        description="The person must hold a duty role (courtyard member, building head, "
        "volunteer, social organisation lead) on the place, above or below it.",
        request=s.MemberAddSerializer,
        responses={201: s.MemberSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        roster = selectors.roster_get(viewer=request.user, roster_id=pk)
        data = _parse(s.MemberAddSerializer, request)
        member = services.roster_member_add(
            actor=_user(request),
            roster=roster,
            user=_person(data["user"], "user"),
            role=data["role"],
        )
        return Response(s.MemberSerializer(member).data, status=status.HTTP_201_CREATED)


class RotationGenerate(Documented, APIView):
    @extend_schema(
        summary="Generate a period's shifts and staff them by fair rotation",
        description="Each day of the period (weekends and statutory holidays skipped if "
        "`skip_days_off`, make-up workdays kept), one shift per time range, staffed in turn by "
        "the active members, continuing from earlier periods' counts. Shifts already there "
        "are kept. At most three months.",
        request=s.GenerateSerializer,
        responses={201: s.ShiftSerializer(many=True)},
    )
    def post(self, request: Request, pk: int) -> Response:
        roster = selectors.roster_get(viewer=request.user, roster_id=pk)
        data = _parse(s.GenerateSerializer, request)
        created = services.rotation_generate(
            actor=_user(request),
            roster=roster,
            start=data["start"],
            end=data["end"],
            times=[(t["start"], t["end"]) for t in data["times"]],
            skip_days_off=data["skip_days_off"],
            slots=data["slots"],
        )
        shifts = selectors.shift_list(roster=roster, start=data["start"], end=data["end"])
        ids = {shift.pk for shift in created}
        body = s.ShiftSerializer([x for x in shifts if x.pk in ids], many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class ShiftListCreate(Documented, APIView):
    @extend_schema(
        summary="A roster's shifts in a period",
        description="From `start` (default today) to `end` (default 30 days on), with the "
        "people on each and whether it has a gap. Two queries whatever the number of shifts.",
        parameters=[s.PeriodParamSerializer],
        responses={200: s.ShiftSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        roster = selectors.roster_get(viewer=request.user, roster_id=pk)
        start, end = _period(query_params(s.PeriodParamSerializer, request))
        shifts = selectors.shift_list(roster=roster, start=start, end=end)
        return Response(s.ShiftSerializer(shifts, many=True).data)

    @extend_schema(
        summary="Add one shift",
        request=s.ShiftCreateSerializer,
        responses={201: s.ShiftSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        roster = selectors.roster_get(viewer=request.user, roster_id=pk)
        shift = services.shift_create(
            actor=_user(request), roster=roster, **_parse(s.ShiftCreateSerializer, request)
        )
        return Response(s.ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class GapList(Documented, APIView):
    @extend_schema(
        summary="Shifts that need people",
        description="Shifts with fewer people than they need, in the places where you manage "
        "duty, from `start` (default today) to `end` (default 30 days on). One query.",
        parameters=[s.PeriodParamSerializer],
        responses={200: s.GapSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        start, end = _period(query_params(s.PeriodParamSerializer, request))
        gaps = selectors.gap_list(viewer=request.user, start=start, end=end)
        return Response(s.GapSerializer(gaps, many=True).data)


class ShiftEdit(Documented, APIView):
    """Assign, unassign or replace: the `action` in the path."""

    step = ""

    def post(self, request: Request, pk: int) -> Response:
        shift = selectors.shift_get(viewer=request.user, shift_id=pk)
        data = _parse(s.ShiftEditSerializer, request)
        actor, person = _user(request), _person(data["user"], "user")
        if self.step == "assign":
            services.shift_assign(actor=actor, shift=shift, user=person)
        elif self.step == "unassign":
            services.shift_unassign(actor=actor, shift=shift, user=person)
        else:
            old = _person(data.get("old"), "old")
            services.shift_replace(actor=actor, shift=shift, old=old, new=person)
        fresh = selectors.shift_list(roster=shift.roster, start=shift.date, end=shift.date)
        return Response(s.ShiftSerializer(next(x for x in fresh if x.pk == shift.pk)).data)


ShiftAssign = _step_view(
    ShiftEdit,
    "shift",
    "assign",
    s.ShiftEditSerializer,
    s.ShiftSerializer,
    "Put a person on a shift",
)
ShiftUnassign = _step_view(
    ShiftEdit,
    "shift",
    "unassign",
    s.ShiftEditSerializer,
    s.ShiftSerializer,
    "Take a person off a shift",
)
ShiftReplace = _step_view(
    ShiftEdit,
    "shift",
    "replace",
    s.ShiftEditSerializer,
    s.ShiftSerializer,
    "Replace `old` by `user` on a shift",
)


# ---------------------------------------------------------------- swaps


class SwapListCreate(Documented, APIView):
    @extend_schema(
        summary="Your swaps",
        description="Swaps asked of you and waiting for your answer, then your own requests.",
        responses={200: s.SwapSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        swaps = selectors.swaps_of(user=request.user)
        return Response(s.SwapSerializer([*swaps.incoming, *swaps.outgoing], many=True).data)

    @extend_schema(
        summary="Ask someone to take your shift",
        description="Or to exchange it for `counter_shift`, one of theirs in the same roster. "
        "The counterparty is notified and accepts or declines.",
        request=s.SwapCreateSerializer,
        responses={201: s.SwapSerializer, 404: UNKNOWN_REFERENCE, 409: CONFLICT},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.SwapCreateSerializer, request)
        shift = selectors.shift_get(viewer=request.user, shift_id=data["shift"])
        counter_id = data.get("counter_shift")
        counter = (
            selectors.shift_get(viewer=request.user, shift_id=counter_id) if counter_id else None
        )
        swap = services.swap_request(
            actor=_user(request),
            shift=shift,
            counterparty=_person(data["counterparty"], "counterparty"),
            counter_shift=counter,
            note=data["note"],
        )
        return Response(s.SwapSerializer(swap).data, status=status.HTTP_201_CREATED)


class SwapStep(Documented, APIView):
    step = ""

    def post(self, request: Request, pk: int) -> Response:
        swap = selectors.swap_get(viewer=request.user, swap_id=pk)
        service = {
            "accept": services.swap_accept,
            "decline": services.swap_decline,
            "cancel": services.swap_cancel,
        }[self.step]
        swap = service(actor=_user(request), swap=swap)
        return Response(s.SwapSerializer(swap).data)


SwapAccept = _step_view(
    SwapStep,
    "swap",
    "accept",
    None,
    s.SwapSerializer,
    "Accept a swap asked of you: the shifts change hands",
)
SwapDecline = _step_view(
    SwapStep, "swap", "decline", None, s.SwapSerializer, "Decline a swap asked of you"
)
SwapCancel = _step_view(
    SwapStep,
    "swap",
    "cancel",
    None,
    s.SwapSerializer,
    "Withdraw your swap request (or, as staff, cancel one)",
)


# ---------------------------------------------------------------- volunteers and hours


@extend_schema_view(
    get=extend_schema(
        summary="The registry of volunteers and party members",
        description="Entries of the communities where you hold volunteer.view; phones masked "
        "unless you may call people back. Keyset-paginated.",
    )
)
class VolunteerListCreate(Documented, generics.ListAPIView[Volunteer]):
    serializer_class = s.VolunteerSerializer

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteer_list(viewer=self.request.user)

    @extend_schema(
        summary="Register a person serving a community (or update their entry)",
        request=s.VolunteerCreateSerializer,
        responses={201: s.VolunteerSerializer, 404: UNKNOWN_REFERENCE},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.VolunteerCreateSerializer, request)
        community = place_param(data, "community")
        assert community is not None
        volunteer = volunteering.volunteer_register(
            actor=_user(request),
            user=_person(data["user"], "user"),
            community=community,
            kind=data["kind"],
            organisation=data["organisation"],
            skills=data["skills"],
            availability=data["availability"],
            weekdays=data["weekdays"],
        )
        body = s.VolunteerSerializer(volunteer, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class VolunteerDetail(Documented, APIView):
    @extend_schema(summary="One registry entry", responses={200: s.VolunteerSerializer})
    def get(self, request: Request, pk: int) -> Response:
        volunteer = selectors.volunteer_get(viewer=request.user, volunteer_id=pk)
        return Response(s.VolunteerSerializer(volunteer, context={"request": request}).data)


@extend_schema_view(
    get=extend_schema(
        summary="Service records",
        description="Your own, and those of the communities where you hold volunteer.view. "
        "Keyset-paginated.",
    )
)
class ServiceRecordListCreate(Documented, generics.ListAPIView[ServiceRecord]):
    serializer_class = s.ServiceRecordSerializer

    def get_queryset(self) -> QuerySet[ServiceRecord]:
        return selectors.service_record_list(viewer=self.request.user)

    @extend_schema(
        summary="Record hours of service",
        description="Staff (volunteer.manage) record them confirmed; the volunteer reports "
        "their own, to be confirmed by staff.",
        request=s.ServiceRecordCreateSerializer,
        responses={201: s.ServiceRecordSerializer, 404: UNKNOWN_REFERENCE},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.ServiceRecordCreateSerializer, request)
        volunteer = selectors.volunteer_get(viewer=request.user, volunteer_id=data["volunteer"])
        record = volunteering.service_record(
            actor=_user(request),
            volunteer=volunteer,
            date=data["date"],
            hours=data["hours"],
            activity=data["activity"],
        )
        return Response(s.ServiceRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class ServiceStep(Documented, APIView):
    step = ""

    def post(self, request: Request, pk: int) -> Response:
        record = selectors.service_record_get(viewer=request.user, record_id=pk)
        service = (
            volunteering.service_confirm if self.step == "confirm" else volunteering.service_reject
        )
        record = service(actor=_user(request), record=record)
        return Response(s.ServiceRecordSerializer(record).data)


ServiceConfirm = _step_view(
    ServiceStep,
    "service_record",
    "confirm",
    None,
    s.ServiceRecordSerializer,
    "Confirm self-reported hours",
)
ServiceReject = _step_view(
    ServiceStep,
    "service_record",
    "reject",
    None,
    s.ServiceRecordSerializer,
    "Reject self-reported hours",
)


class ServiceTotals(Documented, APIView):
    @extend_schema(
        summary="Confirmed hours per community and per person in a period",
        description="From `start` (default the first of this month) to `end` (default today); "
        "optionally one `community`. Two queries.",
        parameters=[s.TotalsParamSerializer],
        responses={200: s.TotalsSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.TotalsParamSerializer, request)
        today = clock.today()
        start = params.get("start") or today.replace(day=1)
        end = params.get("end") or today
        totals = selectors.service_totals(
            viewer=request.user, start=start, end=end, community=place_param(params, "community")
        )
        body = {"start": start, "end": end, **totals.__dict__}
        return Response(s.TotalsSerializer(body).data)
