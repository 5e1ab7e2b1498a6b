"""How the case pages show cases: deadlines as countdowns, list rows with place names, the
timeline as each viewer may read it, and the choices a form offers (places, units, people).

Each function spends a fixed number of queries, whatever the number of cases it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.accounts.selectors import person_contact, person_list
from gongzhi.cases import workflow
from gongzhi.cases.choices import AWAITING_ACCEPT, HANDLING, OPEN_STATES, CaseState, ReturnReason
from gongzhi.cases.forms import choice_name, localized
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.questions import questions_for
from gongzhi.cases.templatetags.case_tags import RESIDENT_SIDE
from gongzhi.core import clock, permissions
from gongzhi.core.errors import InvalidInput
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range
from gongzhi.web.place_labels import PlaceLabel, place_labels

MAX_PLACE_CHOICES = 1000
# Where a case can be: a community and what lies under it.
CASE_LEVELS = [
    PlaceLevel.COMMUNITY,
    PlaceLevel.COURTYARD,
    PlaceLevel.BUILDING,
    PlaceLevel.GRID,
    PlaceLevel.OTHER,
]
STEP_LABELS = {name: transition.label for name, transition in workflow.TRANSITIONS.items()}


@dataclass(frozen=True)
class Deadline:
    label: str
    at: dt.datetime | None
    text: str
    tone: str  # overdue, emergency, urgent, normal, done, none


def _duration(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours and days < 3:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if not days and (minutes or not hours):
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


def deadline_of(case: Case, now: dt.datetime) -> Deadline:
    """The deadline that runs now (to accept, or to resolve), as countdown text and a tone."""
    if case.state in AWAITING_ACCEPT:
        due, label = case.accept_due_at, _("Accept by")
    elif case.state in HANDLING:
        due, label = case.resolve_due_at, _("Resolve by")
    elif case.state not in OPEN_STATES:
        if case.resolved_at is None:  # closed without a resolution: merged into another case
            return Deadline(_("Closed"), None, "", "done")
        return Deadline(_("Resolved at"), case.resolved_at, "", "done")
    else:
        return Deadline(_("Deadline"), None, _("Waiting for dispatch"), "none")
    if due is None:
        return Deadline(label, None, "", "none")
    if due < now:
        text = _("Overdue by %(time)s") % {"time": _duration(now - due)}
        return Deadline(label, due, text, "overdue")
    return Deadline(label, due, _("%(time)s left") % {"time": _duration(due - now)}, case.urgency)


@dataclass(frozen=True)
class Row:
    case: Case
    place: PlaceLabel
    category: str
    deadline: Deadline


def case_rows(cases: list[Case]) -> list[Row]:
    now = clock.now()
    labels = place_labels(case.place for case in cases)
    return [
        Row(
            case,
            labels[case.place_id],
            localized(case.category, "name"),
            deadline_of(case, now),
        )
        for case in cases
    ]


def place_choices(places: list[Place]) -> list[tuple[str, str]]:
    labels = place_labels(places)
    return [(str(place.pk), labels[place.pk].name) for place in places]


def candidate_units(cases: list[Case]) -> dict[int, list[Unit]]:
    """For each case, the active units whose jurisdiction covers its place, nearest first
    (one query for all the cases)."""
    steplen = Place.steplen
    paths = {
        case.place_path[:i]
        for case in cases
        for i in range(steplen, len(case.place_path) + 1, steplen)
    }
    through = Unit.jurisdiction.through
    links = list(
        through.objects.filter(place__path__in=paths, unit__is_active=True)
        .select_related("unit", "place")
        .order_by("-place__depth", "unit__name")
    )
    found: dict[int, list[Unit]] = {}
    for case in cases:
        units: dict[int, Unit] = {}
        for link in links:
            if case.place_path.startswith(link.place.path):
                units.setdefault(link.unit_id, link.unit)
        found[case.pk] = list(units.values())
    return found


def unit_choices(units: list[Unit]) -> list[tuple[str, str]]:
    return [(str(unit.pk), unit.name) for unit in units]


def reporting_places(user: User) -> tuple[list[Place], Place | None]:
    """Places the user may report at (everything in the communities where they live) and the
    one to suggest: their verified home."""
    grants = list(
        RoleGrant.objects.filter(user=user, role__in=RESIDENT_SIDE)
        .select_related("place")
        .order_by("-verified", "pk")
    )
    if not grants:
        return [], None
    home = next((g.place for g in grants if g.role == Role.RESIDENT and g.verified), None)
    home = home or grants[0].place
    paths = {path for g in grants for path in [*g.place.ancestor_paths(), g.place.path]}
    communities = list(Place.objects.filter(path__in=paths, level=PlaceLevel.COMMUNITY))
    if not communities:
        return [g.place for g in grants], home
    within = Q()
    for community in communities:
        within |= Q(path__range=subtree_range(community.path))
    places = list(
        Place.objects.filter(within, is_active=True, level__in=CASE_LEVELS).order_by("path")[
            :MAX_PLACE_CHOICES
        ]
    )
    if home.pk not in {p.pk for p in places}:
        places.insert(0, home)
    return places, home


@dataclass
class TimelineEntry:
    event: CaseEvent
    label: str
    detail: str  # staff: the return reason or the unit the case went to
    note: str  # staff: the internal note; the resident: what they are told
    public: str  # staff: what the resident was told, when it differs from the note


def timeline_entries(events: list[CaseEvent], staff: bool) -> list[TimelineEntry]:
    entries = []
    reasons = dict(ReturnReason.choices)
    for event in events:
        if event.action == "submit":
            label = _("Submitted")
        else:
            label = str(STEP_LABELS.get(event.action, event.action))
        detail = ""
        if staff and event.action == "return":
            detail = str(reasons.get(event.data.get("reason", ""), ""))
        elif staff and event.unit is not None:
            detail = "→ " + event.unit.name
        if staff:
            public = event.public_note if event.public_note != event.note else ""
            entries.append(TimelineEntry(event, label, detail, event.note, public))
        else:
            entries.append(TimelineEntry(event, label, "", event.public_note, ""))
    return entries


def category_label(case: Case) -> str:
    name = localized(case.category, "name")
    parent = case.category.parent
    return f"{localized(parent, 'name')} › {name}" if parent else name


def answer_labels(case: Case) -> list[tuple[str, str]]:
    if not case.answers:
        return []
    questions = {q.code: q for q in questions_for(case.category)}
    shown = []
    for code, value in case.answers.items():
        question = questions.get(code)
        label = localized(question, "label") if question else code
        if question is not None and question.choices:
            names = {str(c["key"]): choice_name(c) for c in question.choices}
            values = value if isinstance(value, list) else [value]
            text = "、".join(names.get(str(v), str(v)) for v in values)
        else:
            text = str(value)
        shown.append((label, text))
    return shown


def scope_places(user: User, perm: str) -> list[Place]:
    """Communities and the places under them where the user holds `perm`."""
    paths = permissions.scope_paths(user, perm)
    queryset = Place.objects.filter(is_active=True, level__in=CASE_LEVELS)
    if paths is not None:
        if not paths:
            return []
        within = Q()
        for path in paths:
            within |= Q(path__range=subtree_range(path))
        queryset = queryset.filter(within)
    return list(queryset.order_by("path")[:MAX_PLACE_CHOICES])


def people_by_phone(viewer: User, phone: str) -> list[dict[str, Any]]:
    """People registered in the viewer's places whose phone contains the digits given."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 4:
        return []
    people = list(person_list(viewer=viewer).filter(phone__contains=digits)[:10])
    labels = place_labels(grant.place for person in people for grant in person.grants.all())
    found = []
    for person in people:
        grants = list(person.grants.all())
        home = next((g for g in grants if g.role == Role.RESIDENT), grants[0] if grants else None)
        found.append(
            {
                "person": person,
                "contact": person_contact(viewer=viewer, person=person),
                "places": [labels[g.place_id].name for g in grants],
                "home": home.place_id if home else "",
            }
        )
    return found


def jurisdiction_places(unit: Unit) -> list[Place]:
    """Where a unit's queue can be narrowed to: its jurisdiction and two levels below."""
    roots = list(unit.jurisdiction.all())
    if not roots:
        return []
    within = Q()
    for root in roots:
        within |= Q(path__range=subtree_range(root.path), depth__lte=root.depth + 2)
    return list(Place.objects.filter(within, is_active=True).order_by("path")[:MAX_PLACE_CHOICES])


# ---------------------------------------------------------------- duplicates and suggestions

MERGE_CANDIDATES = 10


def _community_range(place: Place) -> tuple[str, str]:
    """The path range of the place's community (the place itself above that level); one query."""
    community = (
        Place.objects.filter(
            path__in=[*place.ancestor_paths(), place.path], level=PlaceLevel.COMMUNITY
        )
        .values_list("path", flat=True)
        .first()
    )
    return subtree_range(community or place.path)


def _merge_targets(viewer: User, case: Case) -> Any:
    """Cases `case` may be merged into: open or resolved, not themselves duplicates, in the same
    community, visible to the viewer."""
    from gongzhi.cases.selectors import visible_q

    return (
        Case.objects.filter(
            visible_q(viewer),
            place_path__range=_community_range(case.place),
            state__in=[*OPEN_STATES, CaseState.RESOLVED],
            merged_into__isnull=True,
        )
        .exclude(pk=case.pk)
        .select_related("category", "place", "unit")
    )


def merge_candidates(viewer: User, case: Case, query: str = "") -> list[Case]:
    """What the merge form offers: the cases like this one (cases/similar.py) when nothing is
    searched, else those whose number or title contains the search (two or three queries)."""
    query = query.strip()
    targets = _merge_targets(viewer, case)
    if query:
        return list(
            targets.filter(Q(number__icontains=query) | Q(title__icontains=query)).order_by("-id")[
                :MERGE_CANDIDATES
            ]
        )
    from gongzhi.cases.similar import similar_open_cases

    alike = similar_open_cases(
        category=case.category,
        place=case.place,
        text=f"{case.title}\n{case.description}",
        exclude_id=case.pk,
        limit=MERGE_CANDIDATES,
    )
    allowed = set(targets.filter(pk__in=[c.pk for c, _s in alike]).values_list("pk", flat=True))
    return [c for c, _score in alike if c.pk in allowed]


def merge_target(viewer: User, case: Case, number: str) -> Case:
    """The case numbered `number` that `case` may be merged into, or InvalidInput."""
    found = _merge_targets(viewer, case).filter(number=number.strip()).first()
    if found is None:
        raise InvalidInput(
            fields={
                "into": [
                    _(
                        "No open case with this number in the same community. "
                        "Check the number, or search below."
                    )
                ]
            }
        )
    return found


@dataclass(frozen=True)
class RoutingHint:
    """What the router learnt from history suggests, beside what the routing rules decide."""

    category: str
    category_confidence: int  # percent
    unit: Unit | None
    unit_confidence: int
    rule_unit: Unit | None  # the routing rules' unit for the case's category and place
    differs: bool  # the rules decide on another unit than the suggestion


def routing_hint(case: Case, *, with_rule: bool = True) -> RoutingHint | None:
    """The suggestion for a case (None without a model or when it knows nothing of the text).
    `with_rule`: also ask the routing rules (a query or two; the dispatcher's console, whose
    cases no rule routed, leaves it out)."""
    from gongzhi.cases import routing, suggest

    found = suggest.suggest(case.title, case.description, case.place, category=case.category)
    if found is None:
        return None
    rule = routing.route(category=case.category, place=case.place).unit if with_rule else None
    return RoutingHint(
        category=localized(found.category, "name"),
        category_confidence=round(found.category_confidence * 100),
        unit=found.unit,
        unit_confidence=round(found.unit_confidence * 100),
        rule_unit=rule,
        differs=found.unit is not None and rule is not None and rule.pk != found.unit.pk,
    )


def similar_for_resident(*, category: Any, place: Place, text: str) -> list[dict[str, Any]]:
    """Open cases like a report being written, as a resident may see them: published ones only
    (no tip-offs), text masked as on the public pages, the place named down to its courtyard."""
    from django.conf import settings

    from gongzhi.cases.public import public_text
    from gongzhi.cases.similar import similar_open_cases

    hidden = set(settings.GONGZHI_PUBLIC_HIDDEN_NATURES)
    found = [
        (case, score)
        for case, score in similar_open_cases(category=category, place=place, text=text)
        if case.nature not in hidden
    ]
    labels = place_labels(case.place for case, _score in found)
    return [
        {
            "number": case.number,
            "title": public_text(case.title, [case.contact_name]),
            "description": public_text(case.description, [case.contact_name])[:140],
            "category": localized(case.category, "name"),
            "place": labels[case.place_id].name,
            "state": case.get_state_display(),
            "submitted_at": case.submitted_at,
            "score": round(score * 100),
        }
        for case, score in found
    ]


@dataclass(frozen=True)
class CategorySuggestion:
    category_id: int
    name: str
    confidence: int  # percent


def category_suggestion(
    *, catalogue: Any, title: str, description: str, place: Place
) -> CategorySuggestion | None:
    """The router's category for a report being written, if it is one the resident may choose."""
    from gongzhi.cases import suggest

    found = suggest.suggest(title, description, place)
    if found is None or found.category.pk not in catalogue.by_id:
        return None
    return CategorySuggestion(
        found.category.pk,
        localized(found.category, "name"),
        round(found.category_confidence * 100),
    )
