"""Which unit gets a case, and where an escalation goes.

Routing: the rules whose place contains the case's place and whose category is the case's
category, one of its ancestors, or empty; the deepest place wins, then the most specific
category. No rule: the community committee that owns the place.

Escalation follows the place tree upwards (courtyard → community → street → district → city):
at each level above the current unit's, a rule for the category at exactly that place, else the
general office seated there (community committee, street office, district coordination office,
city hotline office).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from gongzhi.accounts.choices import GENERAL_OFFICE_KINDS, UnitKind
from gongzhi.accounts.models import Unit
from gongzhi.cases.models import Category, RoutingRule
from gongzhi.places.choices import LEVEL_ORDER, PlaceLevel
from gongzhi.places.models import Place


@dataclass(frozen=True)
class Route:
    unit: Unit | None
    rule: RoutingRule | None
    reason: str  # "rule", "community", "none"


def _rules_for(category: Category, paths: list[str]) -> list[RoutingRule]:
    """The active rules for the category (or any) at the places with these paths, the most
    specific first: the deepest place, then the nearest category."""
    lineage = category.lineage_ids()
    rules = list(
        RoutingRule.objects.filter(place__path__in=paths, is_active=True, unit__is_active=True)
        .filter(Q(category_id__in=lineage) | Q(category__isnull=True))
        .select_related("unit", "place")
    )

    def specificity(rule: RoutingRule) -> tuple[int, int]:
        category_rank = len(lineage) - lineage.index(rule.category_id) if rule.category_id else 0
        return (rule.place.depth, category_rank)

    return sorted(rules, key=specificity, reverse=True)


def _chain(place: Place) -> list[Place]:
    """The place and its ancestors, deepest first (one query)."""
    ancestors = list(Place.objects.filter(path__in=place.ancestor_paths()))
    return sorted([place, *ancestors], key=lambda p: p.depth, reverse=True)


def route(*, category: Category, place: Place) -> Route:
    """One query when a rule matches, two otherwise: the place's ancestors are matched by their
    paths, never loaded."""
    paths = [*place.ancestor_paths(), place.path]
    rules = _rules_for(category, paths)
    if rules:
        return Route(rules[0].unit, rules[0], "rule")
    # The community that owns the place (communities do not nest: at most one on the way up).
    unit = (
        Unit.objects.filter(
            place__path__in=paths,
            place__level=PlaceLevel.COMMUNITY,
            kind=UnitKind.COMMUNITY,
            is_active=True,
        )
        .order_by("-place__depth", "name")
        .first()
    )
    if unit is not None:
        return Route(unit, None, "community")
    return Route(None, None, "none")


def _level_index(level: str) -> int:
    try:
        return LEVEL_ORDER.index(PlaceLevel(level))
    except ValueError:
        return len(LEVEL_ORDER)


def escalation_target(*, category: Category, place: Place, current: Unit | None) -> Unit | None:
    """The unit one level above `current` for a case at `place`, or None at the top."""
    chain = _chain(place)
    current_index = _level_index(current.place.level) if current is not None else len(LEVEL_ORDER)
    # Only levels strictly above the current unit's seat, nearest first.
    above = [p for p in chain if _level_index(p.level) < current_index]
    if not above:
        return None
    rules = [r for r in _rules_for(category, [p.path for p in above]) if r.category_id is not None]
    offices = {
        u.place_id: u
        for u in Unit.objects.filter(place__in=above, kind__in=GENERAL_OFFICE_KINDS, is_active=True)
    }
    for level_place in above:  # nearest level first
        at_level = [
            r
            for r in rules
            if r.place_id == level_place.pk and (current is None or r.unit_id != current.pk)
        ]
        if at_level:
            return at_level[0].unit
        office = offices.get(level_place.pk)
        if office is not None and (current is None or office.pk != current.pk):
            return office
    return None
