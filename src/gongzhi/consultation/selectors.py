"""Reads of consultation, scoped by the permission check. Lists run a fixed number of queries
whatever their length and are keyset-paginated by id (newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from gongzhi.consultation import routing, search
from gongzhi.consultation.choices import QuestionState
from gongzhi.consultation.models import Answer, FaqEntry, Question
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range

PAGE_SIZE = 30
FAQ_CANDIDATES = 300


def visible_q(viewer: Any) -> Q:
    """Questions the viewer may open: their own, and those of the places they serve."""
    if permissions.is_superuser(viewer):
        return Q()
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(asker_id=viewer.pk) | permissions.place_q(
        viewer, "consultation.view", path_field="place_path"
    )


def question_get(*, viewer: Any, question_id: int) -> Question:
    found = (
        Question.objects.filter(visible_q(viewer), pk=question_id)
        .select_related("place", "asker", "case")
        .first()
    )
    if found is None and getattr(viewer, "is_authenticated", False):
        # Whoever is on duty for the question's place sees it too, role or not.
        candidate = (
            Question.objects.select_related("place", "asker", "case").filter(pk=question_id).first()
        )
        if candidate is not None and routing.is_on_duty(user=viewer, place=candidate.place):
            found = candidate
    if found is None:
        raise NotFound()
    return found


def question_thread(*, question: Question) -> list[Answer]:
    return list(
        question.answers.select_related("author").prefetch_related("photos").order_by("at", "id")
    )


def question_photos(*, question: Question) -> list[Any]:
    return list(question.photos.filter(answer=None))


@dataclass(frozen=True)
class Filters:
    state: str = ""
    escalated: bool | None = None
    unanswered: bool = False
    place_path: str = ""
    q: str = ""


@dataclass
class Page:
    items: list[Question]
    next_before: int | None


def _listed(queryset: QuerySet[Question]) -> QuerySet[Question]:
    return queryset.select_related("place", "asker", "case").annotate(
        answer_count=Count("answers", filter=Q(answers__author_role="responder"))
    )


def _page(queryset: QuerySet[Question], before: int | None, size: int) -> Page:
    if before:
        queryset = queryset.filter(pk__lt=before)
    items = list(queryset.order_by("-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return Page(items, items[-1].pk if more and items else None)


def question_list_mine(*, viewer: Any, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    return _page(_listed(Question.objects.filter(asker_id=viewer.pk)), before, size)


def question_list(
    *, viewer: Any, filters: Filters, before: int | None = None, size: int = PAGE_SIZE
) -> Page:
    """Questions of the places the viewer serves (not their own), filtered."""
    queryset = Question.objects.filter(
        permissions.place_q(viewer, "consultation.view", path_field="place_path")
    )
    if filters.state in QuestionState.values:
        queryset = queryset.filter(state=filters.state)
    if filters.escalated is not None:
        queryset = queryset.filter(escalated_at__isnull=not filters.escalated)
    if filters.unanswered:
        queryset = queryset.filter(first_response_at__isnull=True)
    if filters.place_path:
        queryset = queryset.filter(place_path__range=subtree_range(filters.place_path))
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(body__icontains=filters.q))
    return _page(_listed(queryset), before, size)


def open_questions_for_places(*, places: list[Place], limit: int = 50) -> list[Question]:
    """Open questions under any of `places` (the on-duty inbox), oldest first: one query."""
    if not places:
        return []
    q = Q()
    for place in places:
        q |= Q(place_path__range=subtree_range(place.path))
    return list(
        _listed(Question.objects.filter(q, state=QuestionState.OPEN)).order_by("asked_at", "id")[
            :limit
        ]
    )


def may_view_staff_list(viewer: Any) -> bool:
    return permissions.has_perm_anywhere(viewer, "consultation.view")


# ---------------------------------------------------------------- the FAQ (public)


def faq_search(*, community: Place, query: str = "", limit: int = 50) -> list[FaqEntry]:
    """Published entries of a community; with a query, those matching it, best first."""
    entries = FaqEntry.objects.filter(community=community, is_published=True)
    terms = search.query_terms(query)
    if not terms:
        return list(entries.order_by("-published_at", "-id")[:limit])
    found = list(entries.filter(search.matching_q(terms))[:FAQ_CANDIDATES])
    found.sort(key=lambda e: (-search.score(e.search_text, terms), -e.pk))
    return found[:limit]


def faq_communities() -> list[tuple[Place, int]]:
    """Communities with a published FAQ and their entry counts (two queries)."""
    counts = dict(
        FaqEntry.objects.filter(is_published=True)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    places = Place.objects.filter(pk__in=list(counts)).order_by("path")
    return [(place, counts[place.pk]) for place in places]


def askable_places(user: Any) -> list[Place]:
    """Where the user may ask: each place they hold a role on and the courtyard and community
    above it (two queries)."""
    from gongzhi.consultation.services import ASKABLE_LEVELS

    paths = {
        path
        for grant in permissions.grants_of(user)
        for path in [
            *Place(path=grant.place_path).ancestor_paths(),
            grant.place_path,
        ]
    }
    return list(
        Place.objects.filter(
            path__in=paths, level__in=list(ASKABLE_LEVELS), is_active=True
        ).order_by("path")
    )
