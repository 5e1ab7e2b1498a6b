"""The cases API: thin over the services and selectors (parse, call, serialize).

Every endpoint about one case first asks `selectors.case_get` whether the caller may see it
(404 if not), then hands the rest to a service: the state machine answers 403 (not your step)
or 409 `invalid_transition` (not now), the service 400 with the fields at fault.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.http import HttpRequest
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from gongzhi.accounts.models import User
from gongzhi.accounts.selectors import unit_list
from gongzhi.api import reuse
from gongzhi.api.errors import ErrorSerializer
from gongzhi.api.schema import Documented
from gongzhi.api.views import place_param, query_params
from gongzhi.cases import intake, public, routing, selectors, services, workflow
from gongzhi.cases import serializers as s
from gongzhi.cases.choices import Channel
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    Category,
    CategoryQuestion,
    ExtensionRequest,
    SupervisionNote,
)
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound, NotPermitted

INVALID_TRANSITION = OpenApiResponse(
    ErrorSerializer,
    description="Not possible in the case's current state (code `invalid_transition`), or the "
    "case changed in the meantime (code `conflict`).",
)
PUBLIC_NAMES = "Names are in the request's language (Accept-Language: en for English)."


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated lets only users in
    return user


def _parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _visible_case(request: Request, pk: int) -> Case:
    """The case, if the caller may see it; NotFound (404) otherwise, whatever the case's state."""
    return selectors.case_get(viewer=request.user, case_id=pk)


def _staff_extras(case: Case) -> dict[str, Any]:
    # Reads for the staff view of one case; small enough not to need a selector of their own.
    return {
        "extensions": list(
            case.extensions.select_related("unit", "requested_by", "decided_by").order_by(
                "requested_at", "id"
            )
        ),
        "supervision_notes": list(
            case.supervision_notes.select_related("unit", "author", "answered_by").order_by(
                "at", "id"
            )
        ),
    }


def case_detail_data(request: Request, case: Case) -> Any:
    """The case as the caller may see it (`case` comes from selectors.case_get)."""
    staff = selectors.is_staff_view(request.user, case)
    return _detail_data(
        request,
        case,
        staff=staff,
        timeline=selectors.case_timeline(viewer=request.user, case=case),
        extras=_staff_extras(case) if staff else {},
    )


def _detail_data(
    request: Request,
    case: Case,
    *,
    staff: bool,
    timeline: list[CaseEvent],
    extras: dict[str, Any],
) -> Any:
    viewer = request.user
    context: dict[str, Any] = {
        "request": request,
        "staff": staff,
        "contact": selectors.reporter_contact(viewer=viewer, case=case),
        "timeline": timeline,
        "actions": workflow.allowed(case, viewer),
        **extras,
    }
    return s.CaseDetailSerializer(case, context=context).data


def _reported_case_data(request: Request, case: Case, written: list[CaseEvent]) -> Any:
    """A case just reported, exactly as `case_detail_data` shows it, from what `case_report`
    wrote (`written`: its timeline entries) without reading it back: the timeline filtered as
    `selectors.case_timeline` filters it, and no extensions or supervisor's notes yet."""
    viewer = request.user
    staff = selectors.is_staff_view(viewer, case)
    if not staff and case.reporter_id != getattr(viewer, "pk", None):
        # Registered where the caller may not see it (selectors.visible_q): as after any step.
        return _case_after_step(request, case.pk)
    case.is_overdue = selectors.is_overdue(case)  # type: ignore[attr-defined]
    timeline = sorted((e for e in written if staff or e.is_public), key=lambda e: (e.at, e.pk))
    extras: dict[str, Any] = {"extensions": [], "supervision_notes": []} if staff else {}
    return _detail_data(request, case, staff=staff, timeline=timeline, extras=extras)


def _case_after_step(request: Request, case_id: int) -> Any:
    """The case after a step. A step may take it out of the caller's sight (a unit returns it,
    or passes it up before accepting): then the caller gets what they saw a moment ago, without
    the timeline and with no further steps."""
    try:
        return case_detail_data(request, selectors.case_get(viewer=request.user, case_id=case_id))
    except NotFound:
        case = (
            selectors.with_overdue(Case.objects.filter(pk=case_id))
            .select_related(*selectors.LIST_RELATED)
            .get()
        )
        context = {
            "request": request,
            "staff": False,
            "contact": selectors.reporter_contact(viewer=request.user, case=case),
            "timeline": [],
            "actions": [],
        }
        return s.CaseDetailSerializer(case, context=context).data


def _filters(params: dict[str, Any]) -> selectors.Filters:
    under = place_param(params, "under")
    category = params.get("category")
    return selectors.Filters(
        state=params.get("state", ""),
        category=category.pk if category is not None else None,
        place_path=under.path if under is not None else "",
        overdue=params.get("overdue", False),
        q=params.get("q", "").strip(),
    )


def _page_data(request: Request, page: selectors.Page) -> dict[str, Any]:
    next_url = None
    if page.next_after:
        next_url = replace_query_param(request.build_absolute_uri(), "after", page.next_after)
    results = s.CaseSummarySerializer(page.items, many=True, context={"request": request}).data
    return {"next": next_url, "results": results}


class MayDispatch(BasePermission):
    message = NotPermitted.default_message

    def has_permission(self, request: Request, view: APIView) -> bool:
        return permissions.has_perm_anywhere(request.user, "case.dispatch")


class MaySupervise(BasePermission):
    message = NotPermitted.default_message

    def has_permission(self, request: Request, view: APIView) -> bool:
        return permissions.has_perm_anywhere(request.user, "case.supervise")


# ---------------------------------------------------------------- categories


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode] = field(default_factory=list)
    # What to answer when reporting in this category: as questions.questions_for, from the
    # prefetched rows (the ancestors' first; the category's own wins on the same code).
    questions: list[CategoryQuestion] = field(default_factory=list)

    def inherit(self, inherited: dict[str, CategoryQuestion]) -> None:
        merged = dict(inherited)
        for question in self.category.questions.all():
            merged[question.code] = question
        self.questions = list(merged.values())
        for child in self.children:
            child.inherit(merged)


class CategoryTree(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="The categories to report in",
        description="Active categories as a tree, each with the extra questions to answer "
        "(in `answers`) when reporting in it, its parents' included (typed, as Open311 "
        "attributes). " + PUBLIC_NAMES,
        responses={200: s.CategoryNodeSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        categories = selectors.categories_for_reporting()
        nodes = {c.pk: CategoryNode(c) for c in categories}
        roots: list[CategoryNode] = []
        for category in categories:  # siblings in order; parents may come after children
            if category.parent_id is None:
                roots.append(nodes[category.pk])
            elif category.parent_id in nodes:  # an inactive parent hides its branch
                nodes[category.parent_id].children.append(nodes[category.pk])
        for root in roots:
            root.inherit({})
        return Response(s.CategoryNodeSerializer(roots, many=True).data)


# ---------------------------------------------------------------- cases


class CaseListCreate(Documented, APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="Cases you may see",
        description="Your own reports; as staff, also the cases of your units and of the "
        "places where you may see cases. Ordered by resolve deadline; follow `next` for more "
        "(a fixed number of queries per page).",
        parameters=[s.CaseFilterSerializer],
        responses={200: s.CasePageSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.CaseFilterSerializer, request)
        page = selectors.case_list(
            viewer=request.user,
            filters=_filters(params),
            after=params.get("after"),
            size=params["page_size"],
        )
        return Response(_page_data(request, page))

    @extend_schema(
        summary="Report a case (受理)",
        description="A resident reports (channel web or api); an agent or community worker "
        "registers a case for a resident (channel agent or phone, `on_behalf_of` optional) "
        "or from patrol (permission case.register at the place). JSON, or multipart/form-data "
        "with `photos` (several files) and `answers` as a JSON string. Every invalid field is "
        "answered at once in `fields` (answers as `answers.<code>`); nothing is kept then. The "
        "case is routed at once.",
        request=s.CaseReportSerializer,
        parameters=[
            OpenApiParameter(
                "Prefer",
                str,
                OpenApiParameter.HEADER,
                description="`respond-async` (RFC 7240): don't wait for the case. A resident's "
                "own report (channel web or api, no photos) is checked, queued and answered "
                "with 202 and header `Preference-Applied: respond-async`; `Location` is the "
                "queued report, which shows its case once the worker has registered it "
                "(usually within seconds). Other reports are answered with 201 as usual.",
            )
        ],
        responses={201: s.CaseDetailSerializer, 202: s.IntakeSerializer},
    )
    def post(self, request: Request) -> Response:
        if _may_queue(request):
            return _queue_report(request)
        data = _parse(s.CaseReportSerializer, request)
        written: list[CaseEvent] = []
        case = services.case_report(actor=_user(request), timeline=written, **data)
        body = _reported_case_data(request, case, written)
        headers = {"Location": body["url"]}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)


def _may_queue(request: Request) -> bool:
    """respond-async is applied to a resident's own report without photos; other reports are
    registered at once (a preference may be ignored)."""
    return intake.prefers_async(request.headers.get("Prefer", "")) and queueable(
        request.data, files=bool(request.FILES)
    )


def queueable(data: Any, *, files: bool) -> bool:
    """Whether a report asking to wait in the queue may: one's own (channel web or api, not on
    someone's behalf), without photos."""
    return (
        not files
        and hasattr(data, "get")
        and str(data.get("channel", Channel.WEB)) in intake.OWN_CHANNELS
        and data.get("on_behalf_of") in (None, "")
    )


def _queue_report(request: Request) -> Response:
    body, headers = queue_report(request, _user(request), request.data)
    return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


def queue_report(
    request: Request | HttpRequest, actor: User, data: Any
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check and queue a report: the 202 answer's body and headers. Every queued report passes
    here (also from cases/fast_intake.py): its serializer is built once (api/reuse.py), its
    answer built directly (serializers.intake_data)."""
    fields = reuse.validated(s.IntakeReportSerializer, data)
    queued = intake.intake_accept(actor=actor, place_id=fields.pop("place"), **fields)
    body = s.intake_data(queued, request)
    return body, {"Location": body["url"], "Preference-Applied": "respond-async"}


class IntakeDetail(Documented, APIView):
    @extend_schema(
        summary="A queued report",
        description="A report sent with `Prefer: respond-async`: `queued` until the worker "
        "registers it, then `registered` with its case (`case.url`), or `rejected` with the "
        "reasons in `errors`. Only its sender sees it (404 for anyone else).",
        responses={200: s.IntakeSerializer},
    )
    def get(self, request: Request, pk: uuid.UUID) -> Response:
        queued = intake.intake_get(viewer=request.user, intake_id=pk)
        return Response(s.intake_data(queued, request))


class CaseDetail(Documented, APIView):
    @extend_schema(
        summary="One case",
        description="404 for cases you may not see. Staff see the whole timeline, the "
        "`handling` details and the reporter's contact as they may (masked unless they must "
        "call back, or the reporter allowed the unit); the resident sees the resident-safe "
        "timeline and `handling` null. `actions`: the steps you may take now. Times are in "
        "Beijing time (+08:00).",
        responses={200: s.CaseDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(case_detail_data(request, _visible_case(request, pk)))


class CaseStep(Documented, APIView):
    """POST /cases/{id}/<step>/: one step of the state machine, answered with the case."""

    input_serializer: ClassVar[type[serializers.Serializer]]  # type: ignore[type-arg]

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        case = _visible_case(request, pk)
        self.perform(_user(request), case, _parse(self.input_serializer, request))
        return Response(_case_after_step(request, pk))


def _step(summary: str, description: str, serializer: Any) -> Any:
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            request=serializer,
            responses={200: s.CaseDetailSerializer, 409: INVALID_TRANSITION},
        )
    )


@_step(
    "Dispatch (派单)",
    "A dispatcher sends a submitted or returned case to `unit`, or to the unit the routing "
    "rules give when `unit` is empty.",
    s.DispatchSerializer,
)
class CaseDispatch(CaseStep):
    input_serializer = s.DispatchSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_dispatch(actor=actor, case=case, unit=data.get("unit"), note=data["note"])


@_step(
    "Transfer to another unit",
    "A dispatcher re-routes the case, with a reason; the first receiver's accountability ends.",
    s.RerouteSerializer,
)
class CaseReroute(CaseStep):
    input_serializer = s.RerouteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_reroute(actor=actor, case=case, unit=data["unit"], note=data["note"])


@_step(
    "Accept (签收)",
    "A member of the handling unit accepts; the first unit to accept stays accountable.",
    s.NoteSerializer,
)
class CaseAccept(CaseStep):
    input_serializer = s.NoteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_accept(actor=actor, case=case, note=data["note"])


@_step(
    "Return (退单)",
    "The handling unit hands the case back before accepting it, with a reason; a dispatcher "
    "must re-route it.",
    s.ReturnSerializer,
)
class CaseReturn(CaseStep):
    input_serializer = s.ReturnSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_return(actor=actor, case=case, reason=data["reason"], note=data["note"])


@_step("Start work", "The handling unit starts work on an accepted case.", s.NoteSerializer)
class CaseStart(CaseStep):
    input_serializer = s.NoteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_start(actor=actor, case=case, note=data["note"])


@_step(
    "Escalate (逐级上报)",
    "Pass the case one level up the place tree, with a reason.",
    s.ReasonedNoteSerializer,
)
class CaseEscalate(CaseStep):
    input_serializer = s.ReasonedNoteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_escalate(actor=actor, case=case, note=data["note"])


@_step(
    "Resolve (办结)",
    "The handling unit records what it did; the resident reads the resolution. Photos as "
    "multipart/form-data.",
    s.ResolveSerializer,
)
class CaseResolve(CaseStep):
    input_serializer = s.ResolveSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_resolve(
            actor=actor, case=case, resolution=data["resolution"], photos=data["photos"]
        )


@_step(
    "Add a note",
    "An internal note on the timeline (staff only; the resident does not see it).",
    s.ReasonedNoteSerializer,
)
class CaseComment(CaseStep):
    input_serializer = s.ReasonedNoteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_comment(actor=actor, case=case, note=data["note"])


@_step("Remind (催办)", "Remind the handling unit of its deadline.", s.NoteSerializer)
class CaseRemind(CaseStep):
    input_serializer = s.NoteSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_remind(actor=actor, case=case, note=data["note"])


@_step(
    "Supervise (督办)",
    "A supervisor's note that the handling unit must answer (see `handling.supervision_notes` "
    "and POST /supervision-notes/{id}/answer/).",
    s.SuperviseSerializer,
)
class CaseSupervise(CaseStep):
    input_serializer = s.SuperviseSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_supervise(actor=actor, case=case, note=data["note"])


class CaseExtensionAsk(Documented, APIView):
    @extend_schema(
        summary="Ask for an extension (延期)",
        description="The handling unit asks, before the deadline, for a later one; a "
        "supervisor decides (POST /extensions/{id}/decision/).",
        request=s.ExtensionAskSerializer,
        responses={201: s.ExtensionRequestSerializer, 409: INVALID_TRANSITION},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = _visible_case(request, pk)
        data = _parse(s.ExtensionAskSerializer, request)
        extension = services.case_extension_request(
            actor=_user(request), case=case, reason=data["reason"], new_due_at=data["new_due_at"]
        )
        return Response(
            s.ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED
        )


class ExtensionDecision(Documented, APIView):
    @extend_schema(
        summary="Grant or refuse an extension",
        description="A supervisor decides (a refusal needs a note); the resident is told of a "
        "new deadline. 409 if it was already decided.",
        request=s.ExtensionDecisionSerializer,
        responses={200: s.ExtensionRequestSerializer, 409: INVALID_TRANSITION},
    )
    def post(self, request: Request, pk: int) -> Response:
        extension = ExtensionRequest.objects.filter(pk=pk).first()
        if extension is None:
            raise NotFound()
        extension.case = _visible_case(request, extension.case_id)
        data = _parse(s.ExtensionDecisionSerializer, request)
        extension = services.case_extension_decide(
            actor=_user(request), request=extension, grant=data["grant"], note=data["note"]
        )
        return Response(s.ExtensionRequestSerializer(extension).data)


class SupervisionAnswer(Documented, APIView):
    @extend_schema(
        summary="Answer a supervisor's note",
        description="A member of the unit the note was addressed to answers it, once.",
        request=s.SupervisionAnswerSerializer,
        responses={200: s.SupervisionNoteSerializer, 409: INVALID_TRANSITION},
    )
    def post(self, request: Request, pk: int) -> Response:
        note = SupervisionNote.objects.filter(pk=pk).first()
        if note is None:
            raise NotFound()
        note.case = _visible_case(request, note.case_id)
        data = _parse(s.SupervisionAnswerSerializer, request)
        note = services.case_supervision_answer(
            actor=_user(request), supervision=note, answer=data["answer"]
        )
        return Response(s.SupervisionNoteSerializer(note).data)


# ---------------------------------------------------------------- workbench lists


class UnitQueue(Documented, APIView):
    @extend_schema(
        summary="A unit's queue",
        description="For the unit's members (404 for others): its open cases by deadline, or "
        "all its cases in `state` when given. Follow `next` for more.",
        parameters=[s.CaseFilterSerializer],
        responses={200: s.CasePageSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        unit = unit_list().filter(pk=pk).first()
        if unit is None:
            raise NotFound()
        params = query_params(s.CaseFilterSerializer, request)
        page = selectors.case_queue(
            viewer=request.user,
            unit=unit,
            filters=_filters(params),
            after=params.get("after"),
            size=params["page_size"],
        )
        return Response(_page_data(request, page))


class DispatchConsole(Documented, APIView):
    permission_classes = [IsAuthenticated, MayDispatch]

    @extend_schema(
        summary="The dispatcher's console",
        description="Cases waiting for a dispatcher where you may dispatch (case.dispatch): "
        "never routed, and returned by a unit.",
        responses={200: s.DispatchConsoleSerializer},
    )
    def get(self, request: Request) -> Response:
        console = selectors.dispatcher_console(viewer=request.user)
        return Response(s.DispatchConsoleSerializer(console, context={"request": request}).data)


class OverdueBoard(Documented, APIView):
    permission_classes = [IsAuthenticated, MaySupervise]

    @extend_schema(
        summary="The supervisor's overdue board (督办)",
        description="Where you supervise (case.supervise): overdue cases, their count per "
        "unit, and the cases put on the supervisor's list.",
        responses={200: s.OverdueBoardSerializer},
    )
    def get(self, request: Request) -> Response:
        board = selectors.overdue_board(viewer=request.user)
        return Response(s.OverdueBoardSerializer(board, context={"request": request}).data)


class RoutePreview(Documented, APIView):
    permission_classes = [IsAuthenticated, MayDispatch]

    @extend_schema(
        summary="Which unit would get this?",
        description="The unit a case of this category at this place would be sent to, and "
        "why (for dispatchers).",
        parameters=[s.RoutePreviewQuerySerializer],
        responses={200: s.RoutePreviewSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.RoutePreviewQuerySerializer, request)
        route = routing.route(category=params["category"], place=params["place"])
        return Response(s.RoutePreviewSerializer(route).data)


@_step(
    "Follow-up and rating (回访 / 评价)",
    "The reporter (or an agent phoning them, `by_phone`) rates a resolved case. Dissatisfied for a "
    "reason within the unit's duty (not_solved, partly_solved) reopens it to the same unit with new "
    "deadlines; otherwise it closes with the rating kept.",
    s.FollowUpSerializer,
)
class CaseFollowUp(CaseStep):
    input_serializer = s.FollowUpSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        services.case_follow_up(actor=actor, case=case, **data)


@_step(
    "Merge as a duplicate",
    "Close this case as a duplicate of `into`; its reporter and followers follow the survivor and "
    "the three rates count the pair once.",
    s.MergeSerializer,
)
class CaseMerge(CaseStep):
    input_serializer = s.MergeSerializer

    def perform(self, actor: User, case: Case, data: dict[str, Any]) -> None:
        into = selectors.case_get(viewer=actor, case_id=data["into"])
        services.case_merge(actor=actor, case=case, into=into, note=data["note"])


class CaseFollow(Documented, APIView):
    @extend_schema(
        summary="Follow a case (get its public updates)",
        request=None,
        responses={200: s.CaseDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        services.case_follow(actor=_user(request), case=_visible_case(request, pk))
        return Response(_case_after_step(request, pk))

    @extend_schema(summary="Stop following a case", responses={200: s.CaseDetailSerializer})
    def delete(self, request: Request, pk: int) -> Response:
        services.case_unfollow(actor=_user(request), case=_visible_case(request, pk))
        return Response(_case_after_step(request, pk))


class PublicCaseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    number = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField()
    place = serializers.CharField(help_text="Community and courtyard; never the building.")
    state = serializers.CharField()
    unit = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()
    rating = serializers.CharField()


class PublicPlaceCases(Documented, APIView):
    """Transparency: a community's or street's recent cases and rates, with no personal data."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Public cases of a community or street",
        responses={
            200: inline_serializer(
                "PublicPlaceCases",
                {
                    "place": serializers.CharField(),
                    "response_rate": serializers.FloatField(allow_null=True),
                    "resolution_rate": serializers.FloatField(allow_null=True),
                    "satisfaction_rate": serializers.FloatField(allow_null=True),
                    "cases": PublicCaseSerializer(many=True),
                },
            )
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        place = public.public_place(place_id=pk)
        summary = public.public_summary(place=place)["rates"]
        cases = [dataclasses.asdict(c) for c in public.public_recent_cases(place=place)]
        return Response(
            {
                "place": place.name,
                "response_rate": summary.response_rate,
                "resolution_rate": summary.resolution_rate,
                "satisfaction_rate": summary.satisfaction_rate,
                "cases": PublicCaseSerializer(cases, many=True).data,
            }
        )
