"""The API's endpoints: thin over the selectors (parse parameters, call, serialize)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.accounts.selectors import person_get, person_list, unit_list
from gongzhi.api import serializers as api_serializers
from gongzhi.api.pagination import TreePagination
from gongzhi.api.schema import Documented
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_subtree

# What the API root lists: name → URL name (in the "api" namespace).
ENDPOINTS = {
    "places": "place-list",
    "units": "unit-list",
    "people": "person-list",
    "categories": "category-list",
    "cases": "case-list",
    "dispatch": "dispatch-console",
    "supervision_overdue": "overdue-board",
    "routing_preview": "routing-preview",
    "me": "me",
    "token": "token",
    "schema": "schema",
    "docs": "docs",
    "redoc": "redoc",
}


def query_params(
    serializer_class: type[serializers.Serializer], request: Request
) -> dict[str, Any]:
    """The query parameters, validated (400 with the wrong ones in `fields`)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def place_param(params: dict[str, Any], name: str) -> Place | None:
    """The place a parameter names by id; 404 if there is none."""
    place_id = params.get(name)
    if place_id is None:
        return None
    place = Place.objects.filter(pk=place_id).first()
    if place is None:
        message = _("There is no place with id %(id)d.") % {"id": place_id}
        raise NotFound(message, fields={name: [message]})
    return place


class ApiRoot(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The API's endpoints",
        description="Names and absolute URLs of the endpoints, the OpenAPI document and docs.",
        responses={
            200: OpenApiResponse(
                {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
            )
        },
    )
    def get(self, request: Request) -> Response:
        return Response(
            {name: reverse(f"api:{url}", request=request) for name, url in ENDPOINTS.items()}
        )


@extend_schema_view(
    get=extend_schema(
        summary="List places",
        description="The place tree is public: names, levels and codes, in tree order.",
        parameters=[api_serializers.PlaceFilterSerializer],
    )
)
class PlaceList(Documented, generics.ListAPIView[Place]):
    serializer_class = api_serializers.PlaceSerializer
    permission_classes = [AllowAny]
    pagination_class = TreePagination

    def get_queryset(self) -> QuerySet[Place]:
        params = query_params(api_serializers.PlaceFilterSerializer, self.request)
        under = place_param(params, "under")
        parent = place_param(params, "parent")
        qs = place_subtree(place=under) if under else Place.objects.all()
        if parent:
            qs = qs.filter(parent=parent)
        if "level" in params:
            qs = qs.filter(level=params["level"])
        if "code" in params:
            qs = qs.filter(code=params["code"])
        return qs


@extend_schema_view(get=extend_schema(summary="One place"))
class PlaceDetail(Documented, generics.RetrieveAPIView[Place]):
    serializer_class = api_serializers.PlaceSerializer
    permission_classes = [AllowAny]
    queryset = Place.objects.all()


@extend_schema_view(
    get=extend_schema(
        summary="List handling units",
        description="Handling units are public: name, kind, seat and public phone.",
        parameters=[api_serializers.UnderFilterSerializer],
    )
)
class UnitList(Documented, generics.ListAPIView[Unit]):
    serializer_class = api_serializers.UnitSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Unit]:
        params = query_params(api_serializers.UnderFilterSerializer, self.request)
        return unit_list(place=place_param(params, "under"))


@extend_schema_view(get=extend_schema(summary="One handling unit"))
class UnitDetail(Documented, generics.RetrieveAPIView[Unit]):
    serializer_class = api_serializers.UnitSerializer
    permission_classes = [AllowAny]
    queryset = unit_list()


class Me(Documented, APIView):
    @extend_schema(
        summary="The current user, their roles and units",
        responses={200: api_serializers.MeSerializer},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)  # IsAuthenticated lets only users in
        prefetch_related_objects(
            [user],
            Prefetch("grants", queryset=RoleGrant.objects.select_related("place")),
            Prefetch("units", queryset=Unit.objects.select_related("place")),
        )
        return Response(api_serializers.MeSerializer(user).data)


class MayViewPeople(BasePermission):
    message = gettext_lazy("You may not see people's records.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return permissions.has_perm_anywhere(request.user, "person.view")


@extend_schema_view(
    get=extend_schema(
        summary="People with a role in the places you may see",
        description=(
            "Staff only (permission person.view), scoped to where they hold it. Name and "
            "phone are masked (张*, 139****1001) unless the viewer may contact the person "
            "(person.view_contact at one of their places)."
        ),
        parameters=[api_serializers.UnderFilterSerializer],
    )
)
class PersonList(Documented, generics.ListAPIView[User]):
    serializer_class = api_serializers.PersonSerializer
    permission_classes = [IsAuthenticated, MayViewPeople]

    def get_queryset(self) -> QuerySet[User]:
        params = query_params(api_serializers.UnderFilterSerializer, self.request)
        return person_list(viewer=self.request.user, place=place_param(params, "under"))


class PersonDetail(Documented, APIView):
    @extend_schema(
        summary="One person you may see",
        description="404 for people outside the places where you hold person.view.",
        responses={200: api_serializers.PersonSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        person = person_get(viewer=request.user, user_id=pk)
        data = api_serializers.PersonSerializer(person, context={"request": request}).data
        return Response(data)


@extend_schema(exclude=True)
class NoEndpoint(APIView):
    """Anything under /api/v1/ that is not an endpoint: a 404 in the error format."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(_no_endpoint_message(request.path))


def _no_endpoint_message(path: str) -> str:
    try:
        match = resolve(path + "/")
    except Resolver404:
        match = None
    if match is not None and getattr(match.func, "view_class", None) is not NoEndpoint:
        return _("There is no endpoint at %(path)s; did you mean %(path)s/?") % {"path": path}
    return _("There is no endpoint at %(path)s.") % {"path": path}
