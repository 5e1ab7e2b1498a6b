"""The publicity API: thin over the services and selectors (parse, call, serialize).

Notices, projects and programme totals are public (no log-in); objectors are named only to staff
of the place. The state machines answer 403 (not your step) or 409 `invalid_transition`
(not now: e.g. an objection after the period), the services 400 with the fields at fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from gongzhi.api.errors import ErrorSerializer
from gongzhi.api.schema import Documented
from gongzhi.api.views import place_param, query_params
from gongzhi.cases.apis import _parse, _user
from gongzhi.publicity import selectors, services, workflow
from gongzhi.publicity import serializers as s
from gongzhi.publicity.models import Notice

CONFLICT = OpenApiResponse(
    ErrorSerializer,
    description="Not possible in the current state (code `invalid_transition`): e.g. an "
    "objection after the notice period, or closing while an objection is unanswered.",
)
FORBIDDEN = OpenApiResponse(
    ErrorSerializer,
    description="Not yours to do here (code `permission_denied`): e.g. an objection from "
    "someone who does not live in the notice's place.",
)


def notice_detail_data(request: Request, notice_id: int) -> Any:
    notice = selectors.notice_get(notice_id=notice_id)
    context = {
        "request": request,
        "events": selectors.notice_events(notice=notice),
        "objections": selectors.objection_rows(notice=notice, viewer=request.user),
        "actions": workflow.notice_allowed(notice, request.user)
        if request.user.is_authenticated
        else [],
    }
    return s.NoticeDetailSerializer(notice, context=context).data


def project_detail_data(request: Request, project_id: int) -> Any:
    project = selectors.project_get(project_id=project_id)
    return s.ProjectDetailSerializer(project, context={"request": request}).data


# ---------------------------------------------------------------- notices


class PublicRead(Documented, APIView):
    """Anyone may read; writing needs a log-in (and the services' permission checks)."""

    def get_permissions(self) -> Sequence[Any]:
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()


class NoticeListCreate(PublicRead):
    @extend_schema(
        operation_id="notices_list",
        summary="The public archive of notices (公示)",
        description="Every notice, newest first, with its state and objection counts; follow "
        "`next` for more (one query per page). No personal data.",
        parameters=[s.NoticeFilterSerializer],
        responses={200: s.NoticePageSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.NoticeFilterSerializer, request)
        page = selectors.notice_list(
            place=place_param(params, "under"),
            state=params.get("state", ""),
            after=params.get("after", ""),
            size=params["page_size"],
        )
        next_url = None
        if page.next_after:
            next_url = replace_query_param(request.build_absolute_uri(), "after", page.next_after)
        results = s.NoticeSerializer(page.items, many=True, context={"request": request}).data
        return Response({"next": next_url, "results": results})

    @extend_schema(
        summary="Publish a notice",
        description="Staff (notice.manage at the place) publish a notice, about a project or "
        "not, for a period (default 7 calendar days: settings GONGZHI_NOTICE_PERIOD_DAYS and "
        "_UNIT). A planned project goes under notice.",
        request=s.NoticePublishSerializer,
        responses={201: s.NoticeDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.NoticePublishSerializer, request)
        notice = services.notice_publish(
            actor=_user(request),
            place=data["place"],
            title=data["title"],
            body=data["body"],
            subject=data["project"],
            period_days=data["period_days"],
            period_unit=data["period_unit"],
        )
        return Response(notice_detail_data(request, notice.pk), status=status.HTTP_201_CREATED)


class NoticeDetail(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="One notice",
        description="The notice, its history (extensions and restarts with their reasons), "
        "its objections with their responses (objectors masked, 张*, unless you are staff of "
        "the place or the objector) and `actions`: the steps you may take now.",
        responses={200: s.NoticeDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(notice_detail_data(request, pk))


class NoticeStep(Documented, APIView):
    """POST /notices/{id}/<step>/, answered with the notice."""

    def _notice(self, pk: int) -> Notice:
        return selectors.notice_get(notice_id=pk)


def _notice_step(summary: str, description: str, request_serializer: Any, created: bool = False):  # type: ignore[no-untyped-def]
    return extend_schema(
        summary=summary,
        description=description,
        request=request_serializer,
        responses={
            201 if created else 200: s.NoticeDetailSerializer,
            403: FORBIDDEN,
            409: CONFLICT,
        },
    )


class NoticeObject(NoticeStep):
    @_notice_step(
        "File an objection (异议)",
        "A resident of the notice's place (registered in it or below it) objects, while the "
        "period runs. Staff are told; the response comes back to the objector.",
        s.ObjectionInSerializer,
        created=True,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.ObjectionInSerializer, request)
        services.objection_file(actor=_user(request), notice=self._notice(pk), body=data["body"])
        return Response(notice_detail_data(request, pk), status=status.HTTP_201_CREATED)


class NoticeExtend(NoticeStep):
    @_notice_step(
        "Extend the period",
        "Staff add days (in the notice's unit) to the period, with a reason; an ended notice "
        "opens again.",
        s.ExtendSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.ExtendSerializer, request)
        services.notice_extend(
            actor=_user(request), notice=self._notice(pk), days=data["days"], reason=data["reason"]
        )
        return Response(notice_detail_data(request, pk))


class NoticeRestart(NoticeStep):
    @_notice_step(
        "Restart the period",
        "Staff start the whole period again from now, with a reason.",
        s.ReasonSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.ReasonSerializer, request)
        services.notice_restart(
            actor=_user(request), notice=self._notice(pk), reason=data["reason"]
        )
        return Response(notice_detail_data(request, pk))


class NoticeClose(NoticeStep):
    @_notice_step(
        "Close with a result",
        "Staff close a notice whose period has ended, once every objection has a response.",
        s.ResultSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.ResultSerializer, request)
        services.notice_close(actor=_user(request), notice=self._notice(pk), result=data["result"])
        return Response(notice_detail_data(request, pk))


# ---------------------------------------------------------------- objections (staff)


class ObjectionList(Documented, APIView):
    @extend_schema(
        operation_id="objections_list",
        summary="Objections to answer",
        description="Objections (named) to the notices of the places where you may see "
        "objectors, newest first; `unanswered=true` for those without a response.",
        parameters=[OpenApiParameter("unanswered", bool, description="Only unanswered ones.")],
        responses={200: s.StaffObjectionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        unanswered = request.query_params.get("unanswered") in {"1", "true"}
        rows = selectors.objection_list_for_staff(viewer=request.user, unanswered=unanswered)[:200]
        return Response(s.StaffObjectionSerializer(rows, many=True).data)


class ObjectionDetail(Documented, APIView):
    @extend_schema(
        summary="One objection (staff)",
        description="404 unless you may see the objectors of its notice's place.",
        responses={200: s.StaffObjectionSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        objection = selectors.objection_get_for_staff(viewer=request.user, objection_id=pk)
        return Response(s.StaffObjectionSerializer(objection).data)


class ObjectionRespond(Documented, APIView):
    @extend_schema(
        summary="Respond to an objection",
        description="Staff record the response; the objector is told. Every objection must "
        "have one before the notice closes.",
        request=s.ResponseInSerializer,
        responses={200: s.StaffObjectionSerializer, 403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        objection = selectors.objection_get_for_staff(viewer=request.user, objection_id=pk)
        data = _parse(s.ResponseInSerializer, request)
        objection = services.objection_respond(
            actor=_user(request), objection=objection, response=data["response"]
        )
        return Response(s.StaffObjectionSerializer(objection).data)


# ---------------------------------------------------------------- projects


class ProjectListCreate(PublicRead):
    @extend_schema(
        operation_id="projects_list",
        summary="Projects of the programmes",
        description="Public: the latest 200 projects of a subtree (`under`), by programme "
        "kind and status. Budgets are in fen (分).",
        parameters=[s.ProjectFilterSerializer],
        responses={200: s.ProjectSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.ProjectFilterSerializer, request)
        rows = selectors.project_list(
            place=place_param(params, "under"),
            kind=params.get("kind", ""),
            status=params.get("status", ""),
        )
        return Response(s.ProjectSerializer(rows, many=True).data)

    @extend_schema(
        summary="Create a project",
        description="Staff (project.manage at the place). It starts as planned.",
        request=s.ProjectCreateSerializer,
        responses={201: s.ProjectDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.ProjectCreateSerializer, request)
        project = services.project_create(actor=_user(request), **data)
        return Response(project_detail_data(request, project.pk), status=status.HTTP_201_CREATED)


class ProjectDetail(PublicRead):
    @extend_schema(
        summary="One project",
        description="Public: the project, its documents and its progress updates with photos.",
        responses={200: s.ProjectDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(project_detail_data(request, pk))

    @extend_schema(
        summary="Edit a project",
        description="Staff change some fields of a project that is not completed or cancelled.",
        request=s.ProjectEditSerializer(partial=True),
        responses={200: s.ProjectDetailSerializer, 409: CONFLICT},
    )
    def patch(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(project_id=pk)
        serializer = s.ProjectEditSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.project_update(actor=_user(request), project=project, **serializer.validated_data)
        return Response(project_detail_data(request, pk))


class ProjectStep(Documented, APIView):
    step = ""

    @extend_schema(
        summary="Move a project on",
        description="approve (planned or under notice), start (approved), complete (in "
        "progress) or cancel (with a reason in `note`). Staff only.",
        request=s.ProjectStepSerializer,
        responses={200: s.ProjectDetailSerializer, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(project_id=pk)
        data = _parse(s.ProjectStepSerializer, request)
        services.project_transition(
            actor=_user(request), project=project, name=self.step, note=data["note"]
        )
        return Response(project_detail_data(request, pk))


class ProjectProgress(Documented, APIView):
    @extend_schema(
        summary="Add a progress update",
        description="Staff: the percentage done, a note and photos (multipart/form-data), on "
        "an approved or running project.",
        request=s.ProgressInSerializer,
        responses={201: s.ProjectDetailSerializer, 409: CONFLICT},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(project_id=pk)
        data = _parse(s.ProgressInSerializer, request)
        services.project_progress_add(actor=_user(request), project=project, **data)
        return Response(project_detail_data(request, pk), status=status.HTTP_201_CREATED)


class ProjectDocuments(Documented, APIView):
    @extend_schema(
        summary="Attach a document",
        description="Staff: a PDF or an image (multipart/form-data), checked by its content; "
        "images lose their metadata.",
        request=s.DocumentInSerializer,
        responses={201: s.ProjectDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = selectors.project_get(project_id=pk)
        data = _parse(s.DocumentInSerializer, request)
        services.project_document_add(
            actor=_user(request), project=project, title=data["title"], upload=data["file"]
        )
        return Response(project_detail_data(request, pk), status=status.HTTP_201_CREATED)


class Programme(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="programme_totals",
        summary="Programme totals of a place",
        description="Projects of a place's subtree by programme kind and status, with "
        "completed / in progress counts and budget totals, and the same per child area "
        "(a district's streets, a street's communities). With `start` and `end`: projects "
        "whose schedule meets that period. Four aggregate queries.",
        parameters=[s.ProgrammeFilterSerializer],
        responses={200: s.ProgrammeSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.ProgrammeFilterSerializer, request)
        place = place_param(params, "place")
        assert place is not None  # required
        period = {"start": params.get("start"), "end": params.get("end")}
        totals = selectors.programme_totals(place=place, **period)
        data = {
            "place": place,
            "projects": totals.projects,
            "completed": totals.completed,
            "in_progress": totals.in_progress,
            "budget_fen": totals.budget_fen,
            "by_status": totals.by_status,
            "kinds": totals.kinds,
            "areas": selectors.programme_by_area(place=place, **period),
        }
        return Response(s.ProgrammeSerializer(data).data)
