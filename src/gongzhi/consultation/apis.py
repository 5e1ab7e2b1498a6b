"""The consultation API: thin over the services and selectors (parse, call, serialize).

Every endpoint about one question first asks `selectors.question_get` whether the caller may see
it (404 if not); the state machine then answers 403 (not your step) or 409 `invalid_transition`
(not now), the service 400 with the fields at fault.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from gongzhi.accounts.models import User
from gongzhi.api.errors import ErrorSerializer
from gongzhi.api.schema import Documented
from gongzhi.api.views import query_params
from gongzhi.cases.apis import _parse, _user
from gongzhi.consultation import selectors, services, workflow
from gongzhi.consultation import serializers as s
from gongzhi.consultation.models import Question
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

INVALID_TRANSITION = OpenApiResponse(
    ErrorSerializer,
    description="Not possible in the question's current state (code `invalid_transition`).",
)


def question_data(request: Request, question_id: int) -> Any:
    question = selectors.question_get(viewer=request.user, question_id=question_id)
    context = {
        "thread": selectors.question_thread(question=question),
        "photos": selectors.question_photos(question=question),
        "actions": [t.name for t in workflow.allowed(question, request.user)],
    }
    return s.QuestionDetailSerializer(question, context=context).data


class QuestionListCreate(Documented, APIView):
    @extend_schema(
        operation_id="questions_list",
        summary="Questions you may see",
        description="The questions of the places where you may see questions (staff, volunteers "
        "and the other self-governance roles), or with `mine=true` those you asked; newest "
        "first, follow `next` for more (a fixed number of queries per page).",
        parameters=[s.QuestionFilterSerializer],
        responses={200: s.QuestionPageSerializer},
    )
    def get(self, request: Request) -> Response:
        params = query_params(s.QuestionFilterSerializer, request)
        before = params.get("before")
        if params["mine"]:
            page = selectors.question_list_mine(viewer=request.user, before=before)
        else:
            filters = selectors.Filters(
                state=params.get("state", ""),
                escalated=params["escalated"],
                unanswered=params["unanswered"],
                q=params["q"].strip(),
            )
            page = selectors.question_list(viewer=request.user, filters=filters, before=before)
        next_url = None
        if page.next_before:
            next_url = replace_query_param(request.build_absolute_uri(), "before", page.next_before)
        results = s.QuestionSummarySerializer(page.items, many=True).data
        return Response({"next": next_url, "results": results})

    @extend_schema(
        summary="Ask a question (社区咨询)",
        description="A resident asks about their courtyard or community; whoever is on duty "
        "for the place is told, else the community workers, who also get it when nobody "
        "answers in time. JSON, or multipart/form-data with `photos`.",
        request=s.AskSerializer,
        responses={201: s.QuestionDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        data = _parse(s.AskSerializer, request)
        question = services.question_ask(actor=_user(request), **data)
        body = question_data(request, question.pk)
        return Response(body, status=status.HTTP_201_CREATED)


class QuestionDetail(Documented, APIView):
    @extend_schema(
        summary="One question and its thread",
        description="404 for questions you may not see. `actions`: the steps you may take now.",
        responses={200: s.QuestionDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(question_data(request, pk))


class QuestionStep(Documented, APIView):
    """POST /questions/{id}/<step>/: one step of the state machine, answered with the question."""

    input_serializer: ClassVar[type[serializers.Serializer]] = s.NoInputSerializer  # type: ignore[type-arg]

    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        question = selectors.question_get(viewer=request.user, question_id=pk)
        self.perform(_user(request), question, _parse(self.input_serializer, request))
        return Response(question_data(request, pk))


def _step(summary: str, description: str, serializer: Any, response: Any = None) -> Any:
    return extend_schema_view(
        post=extend_schema(
            summary=summary,
            description=description,
            request=serializer,
            responses={200: response or s.QuestionDetailSerializer, 409: INVALID_TRANSITION},
        )
    )


@_step("Reply", "A responder answers, or the asker adds to the question.", s.ReplySerializer)
class QuestionReply(QuestionStep):
    input_serializer = s.ReplySerializer

    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.question_reply(actor=actor, question=question, **data)


@_step("Mark answered", "The asker says the question is answered.", s.NoInputSerializer)
class QuestionMarkAnswered(QuestionStep):
    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.question_mark_answered(actor=actor, question=question)


@_step("Reopen", "The asker reopens an answered question.", s.NoInputSerializer)
class QuestionReopen(QuestionStep):
    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.question_reopen(actor=actor, question=question)


@_step("Close", "Staff close the question (consultation.manage).", s.NoInputSerializer)
class QuestionClose(QuestionStep):
    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.question_close(actor=actor, question=question)


@_step(
    "Turn into a case",
    "Staff register the question as a case for the asker (consultation.manage and "
    "case.register); the question then shows the case.",
    s.ConvertSerializer,
)
class QuestionConvert(QuestionStep):
    input_serializer = s.ConvertSerializer

    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.question_convert(actor=actor, question=question, **data)


@_step(
    "Publish to the FAQ",
    "Staff publish an answered or closed question to its community's FAQ. Empty texts are "
    "proposed from the thread; names and phone numbers are masked in any case.",
    s.PublishSerializer,
)
class QuestionPublish(QuestionStep):
    input_serializer = s.PublishSerializer

    def perform(self, actor: User, question: Question, data: dict[str, Any]) -> Any:
        return services.faq_publish(actor=actor, question=question, **data)


class PublicFaq(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="A community's FAQ",
        description="Published questions and answers of a community (no personal data), "
        "with `q` those matching every word, best first; simplified and traditional "
        "characters match alike.",
        parameters=[s.FaqQuerySerializer],
        responses={200: s.FaqEntrySerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        params = query_params(s.FaqQuerySerializer, request)
        community = get_object_or_404(Place, pk=pk, level=PlaceLevel.COMMUNITY)
        entries = selectors.faq_search(community=community, query=params["q"])
        return Response(s.FaqEntrySerializer(entries, many=True).data)
