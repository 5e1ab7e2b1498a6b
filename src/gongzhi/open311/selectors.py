"""What Open311 shows: services and their definitions, and cases as the public may see them.

A GET never carries the reporter or their contact: the description and the timeline are masked
(phones, ID numbers), the address stops at the courtyard, free-text answers are left out.
Every list is a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gongzhi.cases.choices import OPEN_STATES, CaseState, QuestionType
from gongzhi.cases.models import Case, CaseEvent, CasePhoto, Category, CategoryQuestion
from gongzhi.cases.public import public_text
from gongzhi.cases.questions import questions_for
from gongzhi.core.models import AuditEntry
from gongzhi.open311.formats import w3c
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import ancestor_chains

CLOSED_STATES = frozenset(CaseState.values) - OPEN_STATES
# Levels shown in a public address: down to the courtyard, never the building.
PUBLIC_LEVELS = frozenset(
    {
        PlaceLevel.PROVINCE,
        PlaceLevel.CITY,
        PlaceLevel.DISTRICT,
        PlaceLevel.STREET,
        PlaceLevel.COMMUNITY,
        PlaceLevel.COURTYARD,
    }
)
LIST_TYPES = frozenset({QuestionType.SINGLEVALUELIST, QuestionType.MULTIVALUELIST})
# Answers published with extensions=true; free text may describe people, so it is not.
PUBLIC_ANSWER_TYPES = frozenset({QuestionType.NUMBER, QuestionType.DATETIME, *LIST_TYPES})


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _localized(name: str, name_en: str) -> str:
    return name_en if _english() and name_en else name


def status_of(state: str) -> str:
    """GeoReport's two statuses: resolved (and closed after the rating) is closed."""
    return "open" if state in OPEN_STATES else "closed"


# ---------------------------------------------------------------- services


def _active_categories() -> list[Category]:
    """Active categories whose ancestors are active too, in the reporting order."""
    every = {c.pk: c for c in Category.objects.all()}

    def active(category: Category) -> bool:
        node: Category | None = category
        while node is not None:
            if not node.is_active:
                return False
            node = every.get(node.parent_id) if node.parent_id else None
        return True

    roots_first = sorted(
        every.values(),
        key=lambda c: (
            (every[c.parent_id].order, every[c.parent_id].code, 1, c.order, c.code)
            if c.parent_id
            else (c.order, c.code, 0, 0, "")
        ),
    )
    for category in every.values():  # lineage without a query per level
        if category.parent_id:
            category.parent = every[category.parent_id]
    return [c for c in roots_first if active(c)]


def service_list() -> list[dict[str, Any]]:
    categories = _active_categories()
    asking = set(CategoryQuestion.objects.values_list("category_id", flat=True).distinct())
    services = []
    for category in categories:
        parent = category.parent if category.parent_id else None
        name = _localized(category.name, category.name_en)
        keywords = [category.name, category.name_en]
        if parent is not None:
            keywords += [parent.name, parent.name_en]
        services.append(
            {
                "service_code": category.code,
                "service_name": name,
                "description": category.description or name,
                "metadata": any(pk in asking for pk in category.lineage_ids()),
                "type": "realtime",
                "keywords": ", ".join(dict.fromkeys(k for k in keywords if k)),
                "group": _localized(parent.name, parent.name_en) if parent else name,
            }
        )
    return services


def service_get(code: str) -> Category | None:
    """An active category by its code (the service_code), or None."""
    return next((c for c in _active_categories() if c.code == code), None)


def _datatype_description(question: CategoryQuestion) -> str:
    if question.help_text:
        return question.help_text
    hints: dict[str, str] = {
        QuestionType.STRING: _("One line of text, at most 200 characters."),
        QuestionType.TEXT: _("Text, line breaks allowed, at most 2,000 characters."),
        QuestionType.NUMBER: _("A number, e.g. 3 or 2.5."),
        QuestionType.DATETIME: _("A date and time in ISO 8601, e.g. 2026-10-01T09:30:00+08:00."),
        QuestionType.SINGLEVALUELIST: _("One key from the values."),
        QuestionType.MULTIVALUELIST: _("One or more keys from the values."),
    }
    return str(hints.get(question.datatype, ""))


def service_definition(category: Category) -> dict[str, Any]:
    """The category's questions and those it inherits, numbered 1… in the order they are asked
    (inherited first), so `order` is unique within the service."""
    attributes = []
    for order, question in enumerate(questions_for(category), start=1):
        attribute: dict[str, Any] = {
            "variable": True,
            "code": question.code,
            "datatype": question.datatype,
            "required": question.required,
            "datatype_description": _datatype_description(question),
            "order": order,
            "description": _localized(question.label, question.label_en),
        }
        if question.datatype in LIST_TYPES:
            attribute["values"] = [
                {
                    "key": str(choice["key"]),
                    "name": _localized(str(choice.get("name", "")), str(choice.get("name_en", ""))),
                }
                for choice in question.choices
            ]
        attributes.append(attribute)
    return {"service_code": category.code, "attributes": attributes}


def services_changeset() -> str:
    """When the services or their questions last changed (their edits are audited)."""
    last = AuditEntry.objects.filter(
        object_type__in=["cases.category", "cases.categoryquestion"]
    ).aggregate(at=Max("at"))["at"]
    return w3c(last) or "2026-01-01T00:00:00+08:00"


# ---------------------------------------------------------------- requests


def _public(queryset: QuerySet[Case]) -> QuerySet[Case]:
    hidden = list(settings.GONGZHI_PUBLIC_HIDDEN_NATURES)
    return queryset.exclude(nature__in=hidden) if hidden else queryset


def _listed(queryset: QuerySet[Case]) -> QuerySet[Case]:
    return (
        _public(queryset)
        .select_related("category", "unit", "place", "reporter")
        .prefetch_related(
            Prefetch("photos", queryset=CasePhoto.objects.order_by("id"), to_attr="photo_list")
        )
    )


@dataclass(frozen=True)
class RequestFilters:
    start: dt.datetime
    end: dt.datetime
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()


def request_list(
    *,
    ids: Sequence[str] = (),
    filters: RequestFilters | None = None,
    page: int = 1,
    page_size: int = 1000,
) -> list[Case]:
    """Newest first. `ids` (service request ids) override every other filter."""
    queryset = Case.objects.all()
    if ids:
        queryset = queryset.filter(number__in=list(ids))
    elif filters is not None:
        queryset = queryset.filter(submitted_at__gte=filters.start, submitted_at__lte=filters.end)
        if filters.service_codes:
            queryset = queryset.filter(category__code__in=list(filters.service_codes))
        if filters.statuses:
            states: set[str] = set()
            if "open" in filters.statuses:
                states |= OPEN_STATES
            if "closed" in filters.statuses:
                states |= CLOSED_STATES
            queryset = queryset.filter(state__in=sorted(states))
    offset = (page - 1) * page_size
    return list(_listed(queryset).order_by("-submitted_at", "-id")[offset : offset + page_size])


def request_get(service_request_id: str) -> Case | None:
    return _listed(Case.objects.filter(number=service_request_id)).first()


def public_addresses(places: Iterable[Place]) -> dict[int, tuple[str, str]]:
    """place id → (address, address_id) as the public sees it: down to the courtyard, never the
    building; general to specific, as Chinese addresses are written (成都市 金牛区 … 中加水岸小区).
    One query for all."""
    places = list(places)
    by_id = {place.pk: place for place in places}
    addresses = {}
    for place_id, ancestors in ancestor_chains(places).items():
        place = by_id[place_id]
        chain = [*ancestors, place]
        public = [p for p in chain if p.level in PUBLIC_LEVELS] or [place]
        addresses[place.pk] = (" ".join(p.name for p in public), str(public[-1].pk))
    return addresses


def _lineage(category_id: int, every: dict[int, Category]) -> list[int]:
    ids: list[int] = []
    node = every.get(category_id)
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = every.get(node.parent_id) if node.parent_id else None
    return ids


def _answers(
    case: Case, lineage: list[int], questions: dict[tuple[int, str], CategoryQuestion]
) -> list[Any]:
    out: list[dict[str, Any]] = []
    for code, answer in (case.answers or {}).items():
        question = next((questions[(pk, code)] for pk in lineage if (pk, code) in questions), None)
        if question is None or question.datatype not in PUBLIC_ANSWER_TYPES:
            continue
        names = {
            str(c["key"]): _localized(str(c.get("name", "")), str(c.get("name_en", "")))
            for c in question.choices
        }
        for item in answer if isinstance(answer, list) else [answer]:
            out.append(
                {
                    "code": code,
                    "label": _localized(question.label, question.label_en),
                    "value": str(item),
                    "name": names.get(str(item), str(item)),
                }
            )
    return out


def _names(case: Case) -> list[str]:
    """Names the case knows, masked wherever free text mentions them (张伟 → 张*)."""
    return [case.contact_name, case.reporter.name if case.reporter else ""]


def photo_url(photo: CasePhoto, absolute: Any) -> str:
    """Photos are served by the one view that checks who may see the case, never as files."""
    return str(absolute(reverse("media:photo", args=[photo.pk])))


def _note(event: CaseEvent, names: list[str]) -> dict[str, Any]:
    return {
        "datetime": w3c(event.at),
        "type": event.action,
        "status": status_of(event.to_state) if event.to_state else None,
        "description": public_text(event.public_note, names),
    }


def request_rows(
    cases: list[Case], *, absolute: Any, extensions: bool = False
) -> list[dict[str, Any]]:
    """The cases as GeoReport requests. `absolute(url)` makes a media URL absolute."""
    addresses = public_addresses(case.place for case in cases)
    timelines: dict[int, list[CaseEvent]] = {}
    questions: dict[tuple[int, str], CategoryQuestion] = {}
    every: dict[int, Category] = {}
    if extensions and cases:
        for event in CaseEvent.objects.filter(
            case_id__in=[c.pk for c in cases], is_public=True
        ).order_by("at", "id"):
            timelines.setdefault(event.case_id, []).append(event)
        every = {c.pk: c for c in Category.objects.all()}
        questions = {(q.category_id, q.code): q for q in CategoryQuestion.objects.all()}
    rows = []
    for case in cases:
        address, address_id = addresses[case.place_id]
        photos: list[CasePhoto] = getattr(case, "photo_list", [])
        row: dict[str, Any] = {
            "service_request_id": case.number,
            "status": status_of(case.state),
            "status_notes": case.get_state_display(),
            "service_name": _localized(case.category.name, case.category.name_en),
            "service_code": case.category.code,
            "description": public_text(case.description, _names(case)),
            "agency_responsible": case.unit.name if case.unit else None,
            "service_notice": None,
            "requested_datetime": w3c(case.submitted_at),
            "updated_datetime": w3c(case.updated_at),
            "expected_datetime": w3c(case.resolve_due_at),
            "address": address,
            "address_id": address_id,
            "zipcode": None,
            "lat": float(case.latitude) if case.latitude is not None else None,
            "long": float(case.longitude) if case.longitude is not None else None,
            "media_url": photo_url(photos[0], absolute) if photos else None,
        }
        if extensions:
            row["attributes"] = _answers(case, _lineage(case.category_id, every), questions)
            row["extended_attributes"] = {"state": case.state, "channel": case.channel}
            row["notes"] = [_note(e, _names(case)) for e in timelines.get(case.pk, [])]
        rows.append(row)
    return rows


# ---------------------------------------------------------------- updates (mySociety)


def update_list(
    *, start: dt.datetime, end: dt.datetime, page: int = 1, page_size: int = 1000
) -> list[CaseEvent]:
    """Public timeline entries in the window, oldest first."""
    queryset = CaseEvent.objects.filter(is_public=True, at__gte=start, at__lte=end)
    hidden = list(settings.GONGZHI_PUBLIC_HIDDEN_NATURES)
    if hidden:
        queryset = queryset.exclude(case__nature__in=hidden)
    offset = (page - 1) * page_size
    return list(
        queryset.select_related("case", "case__reporter")
        .prefetch_related(
            Prefetch("photos", queryset=CasePhoto.objects.order_by("id"), to_attr="photo_list")
        )
        .order_by("at", "id")[offset : offset + page_size]
    )


def update_rows(events: list[CaseEvent], *, absolute: Any) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        photos: list[CasePhoto] = getattr(event, "photo_list", [])
        state = event.to_state or event.case.state
        rows.append(
            {
                "update_id": str(event.pk),
                "service_request_id": event.case.number,
                "status": status_of(state).upper(),
                "updated_datetime": w3c(event.at),
                "description": public_text(event.public_note, _names(event.case)),
                "media_url": photo_url(photos[0], absolute) if photos else None,
                "external_status_code": state,
            }
        )
    return rows
