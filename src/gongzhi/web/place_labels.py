"""How a page names a place: "中加水岸小区 1栋", within "金牛区 沙河源街道 新桥社区".

A building's own name ("1栋") says little; people name it with its courtyard, and place it by
district, street and community. `place_labels` builds these for any number of places with one
query for all their ancestors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import ancestor_chains

# Levels named together with the place itself, and levels that say where it lies.
LOCAL_LEVELS = frozenset(
    {PlaceLevel.COURTYARD, PlaceLevel.BUILDING, PlaceLevel.GRID, PlaceLevel.OTHER}
)
WITHIN_LEVELS = frozenset({PlaceLevel.DISTRICT, PlaceLevel.STREET, PlaceLevel.COMMUNITY})


@dataclass(frozen=True)
class PlaceLabel:
    name: str
    within: str


def place_labels(places: Iterable[Place]) -> dict[int, PlaceLabel]:
    """place id → its label; one query whatever the number of places."""
    places = list(places)
    by_id = {place.pk: place for place in places}
    labels = {}
    for place_id, chain in ancestor_chains(places).items():
        place = by_id[place_id]
        local = [a.name for a in chain if a.level in LOCAL_LEVELS]
        within = [a.name for a in chain if a.level in WITHIN_LEVELS]
        labels[place_id] = PlaceLabel(name=" ".join([*local, place.name]), within=" ".join(within))
    return labels
