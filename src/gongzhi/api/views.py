from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound as DrfNotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.accounts.selectors import person_contact, person_get, person_list, unit_list
from gongzhi.api import serializers
from gongzhi.api.errors import ErrorSerializer
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_subtree

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    get=extend_schema(
        summary="List places",
        parameters=[
            OpenApiParameter("parent", int, description="Only the children of this place."),
            OpenApiParameter(
                "under", int, description="Everything under this place (its subtree)."
            ),
            OpenApiParameter("level", str, description="Only places of this level."),
            OpenApiParameter("code", str, description="Only the place with this official code."),
        ],
        responses={200: serializers.PlaceSerializer(many=True), **ERRORS},
    )
)
class PlaceList(generics.ListAPIView[Place]):
    """The place tree is public: names, levels and codes of divisions."""

    serializer_class = serializers.PlaceSerializer
    permission_classes = [drf_permissions.AllowAny]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        qs = Place.objects.all()
        if params.get("under", "").isdigit():
            qs = place_subtree(place=get_object_or_404(Place, pk=int(params["under"])))
        if params.get("parent", "").isdigit():
            qs = qs.filter(parent_id=int(params["parent"]))
        if params.get("level"):
            qs = qs.filter(level=params["level"])
        if params.get("code"):
            qs = qs.filter(code=params["code"])
        return qs


@extend_schema(summary="One place", responses={200: serializers.PlaceSerializer, **ERRORS})
class PlaceDetail(generics.RetrieveAPIView[Place]):
    serializer_class = serializers.PlaceSerializer
    permission_classes = [drf_permissions.AllowAny]
    queryset = Place.objects.all()


@extend_schema_view(
    get=extend_schema(
        summary="List handling units",
        parameters=[OpenApiParameter("under", int, description="Units seated under this place.")],
        responses={200: serializers.UnitSerializer(many=True), **ERRORS},
    )
)
class UnitList(generics.ListAPIView[Unit]):
    serializer_class = serializers.UnitSerializer
    permission_classes = [drf_permissions.AllowAny]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        under = self.request.query_params.get("under", "")
        place = get_object_or_404(Place, pk=int(under)) if under.isdigit() else None
        return unit_list(place=place)


@extend_schema(summary="One handling unit", responses={200: serializers.UnitSerializer, **ERRORS})
class UnitDetail(generics.RetrieveAPIView[Unit]):
    serializer_class = serializers.UnitSerializer
    permission_classes = [drf_permissions.AllowAny]
    queryset = Unit.objects.filter(is_active=True).select_related("place")


class Me(APIView):
    @extend_schema(
        summary="The current user, their roles and units",
        responses={200: serializers.MeSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        user = User.objects.prefetch_related(
            Prefetch("grants", queryset=RoleGrant.objects.select_related("place")),
            Prefetch("units", queryset=Unit.objects.select_related("place")),
        ).get(pk=request.user.pk or 0)
        return Response(serializers.MeSerializer(user).data)


def _contacts(viewer: object, people: list[User]) -> dict[int, dict[str, str]]:
    return {p.pk: person_contact(viewer=viewer, person=p) for p in people}


@extend_schema_view(
    get=extend_schema(
        summary="People with a role in the places you may see",
        parameters=[
            OpenApiParameter("under", int, description="Only people with a role under this place.")
        ],
        responses={200: serializers.PersonSerializer(many=True), **ERRORS},
    )
)
class PersonList(generics.ListAPIView[User]):
    serializer_class = serializers.PersonSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        if not permissions.has_perm_anywhere(self.request.user, "person.view"):
            raise DrfNotFound()
        under = self.request.query_params.get("under", "")
        place = get_object_or_404(Place, pk=int(under)) if under.isdigit() else None
        return person_list(viewer=self.request.user, place=place)

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        people = list(page or [])
        data = serializers.PersonSerializer(
            people, many=True, context={"contacts": _contacts(request.user, people)}
        ).data
        return self.get_paginated_response(data)


class PersonDetail(APIView):
    @extend_schema(
        summary="One person you may see", responses={200: serializers.PersonSerializer, **ERRORS}
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            person = person_get(viewer=request.user, user_id=pk)
        except NotFound:
            raise DrfNotFound() from None
        data = serializers.PersonSerializer(
            person, context={"contacts": _contacts(request.user, [person])}
        ).data
        return Response(data)
