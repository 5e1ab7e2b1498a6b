"""Translations: complete catalogs, compiled .mo files in step, and the site in each language.

None of this needs GNU gettext: the catalogs are read and compiled with polib.
"""

from __future__ import annotations

import io
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from gongzhi.core.management.commands import i18n_update

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
LOCALES = ["zh_Hans", "zh_Hant", "en"]
PO_FILES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))

# %(name)s, %(n)d, %s, %d … (not %%), and str.format's {name} / {0} / {}.
PERCENT = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?(?P<type>[diouxXeEfFgGcrsa%])")
BRACES = re.compile(r"\{[A-Za-z_0-9]*\}")


def placeholders(text: str) -> Counter[str]:
    found = Counter(
        match.group(0) for match in PERCENT.finditer(text) if match.group("type") != "%"
    )
    found.update(BRACES.findall(text))
    return found


def entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def catalog(locale: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / f"{domain}.po"))


def test_every_language_has_a_catalog():
    for locale in LOCALES:
        assert (LOCALE_DIR / locale / "LC_MESSAGES" / "django.po").is_file(), locale
    assert {path.parent.parent.name for path in PO_FILES} == set(LOCALES)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_catalog_is_complete_and_keeps_the_placeholders(po_path):
    po = polib.pofile(str(po_path))
    nplurals = i18n_update.nplurals(po)
    assert nplurals == (2 if po_path.parent.parent.name == "en" else 1)
    problems = []
    for entry in entries(po):
        where = f"{po_path.parent.parent.name}: {entry.msgid!r}"
        if entry.fuzzy:
            problems.append(f"{where} is fuzzy")
        if entry.msgid_plural:
            if sorted(entry.msgstr_plural) != list(range(nplurals)):
                problems.append(f"{where} has forms {sorted(entry.msgstr_plural)}, not {nplurals}")
            forms = entry.msgstr_plural.items()
        else:
            forms = [(None, entry.msgstr)]
        for index, text in forms:
            if not text.strip():
                problems.append(f"{where} has an empty msgstr{'' if index is None else index}")
                continue
            # With one form (Chinese) msgstr[0] stands for every n, like msgid_plural.
            source = (
                entry.msgid
                if index is None or (index == 0 and nplurals > 1)
                else entry.msgid_plural
            )
            if placeholders(text) != placeholders(source):
                problems.append(
                    f"{where}: placeholders {dict(placeholders(text))} in {text!r}, "
                    f"expected {dict(placeholders(source))}"
                )
    assert not problems, "\n".join(problems)


def test_the_three_catalogs_hold_the_same_strings():
    keys = {
        locale: {i18n_update.entry_key(entry) for entry in entries(catalog(locale))}
        for locale in LOCALES
    }
    assert keys["zh_Hant"] == keys["zh_Hans"]
    assert keys["en"] == keys["zh_Hans"]


def test_english_is_the_msgid():
    for entry in entries(catalog("en")):
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


def test_traditional_chinese_is_generated_from_simplified_or_reviewed():
    """Catches a zh_Hans change without `i18n_update`, and reviewed entries gone stale."""
    opencc = pytest.importorskip("opencc")
    convert = opencc.OpenCC(i18n_update.OPENCC_CONFIG).convert
    simplified = {i18n_update.entry_key(entry): entry for entry in entries(catalog("zh_Hans"))}
    stale = []
    for entry in entries(catalog("zh_Hant")):
        source = simplified[i18n_update.entry_key(entry)]
        if i18n_update.is_reviewed(entry):
            if i18n_update.recorded_source(entry) != i18n_update.source_text(source):
                stale.append(f"{entry.msgid!r}: reviewed against another zh_Hans text")
        elif i18n_update.source_text(entry) != convert(i18n_update.source_text(source)):
            stale.append(f"{entry.msgid!r}: not the OpenCC conversion of the zh_Hans text")
    assert not stale, "run `uv run gongzhi i18n-update`:\n" + "\n".join(stale)


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_committed_mo_file_is_the_compiled_po_file(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run `uv run gongzhi i18n-update`"
    assert mo_path.read_bytes() == polib.pofile(str(po_path)).to_binary(), (
        f"{mo_path} is not compiled from the current {po_path.name}: "
        "run `uv run gongzhi i18n-update` (or `--compile-only`) and commit the .mo file"
    )


HEADING = {
    "zh-hans": "已加入平台的社区",
    "zh-hant": "已加入平臺的社區",
    "en": "Communities on the platform",
}
LOG_IN = {"zh-hans": "登录", "zh-hant": "登入", "en": "Log in"}


def assert_page_in(response, language: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert HEADING[language] in html
    assert f">{LOG_IN[language]}<" in html
    for other, heading in HEADING.items():
        if other != language:
            assert heading not in html, f"{other} heading on the {language} page"


@pytest.mark.parametrize(
    ("accept_language", "language"),
    [
        ("zh-Hans", "zh-hans"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hant", "zh-hant"),
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
    ],
)
def test_home_page_follows_accept_language(demo, client, accept_language, language):
    assert_page_in(client.get("/", headers={"accept-language": accept_language}), language)


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_home_page_follows_the_language_cookie(demo, client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # The cookie (the language switch's choice) wins over the browser's preference.
    other = "en" if language != "en" else "zh-Hant"
    assert_page_in(client.get("/", headers={"accept-language": other}), language)


def test_language_switch_sets_the_cookie(demo, client):
    response = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert_page_in(client.get("/"), "zh-hant")


@pytest.mark.parametrize("accept_language", [None, "fr-FR,fr;q=0.9", "*"])
def test_default_language_is_simplified_chinese(demo, client, accept_language):
    assert settings.LANGUAGE_CODE == "zh-hans"
    headers = {"accept-language": accept_language} if accept_language else {}
    assert_page_in(client.get("/", headers=headers), "zh-hans")


def test_plural_and_lazy_strings_are_translated():
    from gongzhi.accounts.choices import Role
    from gongzhi.accounts.validators import CharacterClassValidator

    validator = CharacterClassValidator(min_classes=3)
    expected = {
        "zh-hans": ("社区工作者", "密码须至少包含 3 类字符"),
        "zh-hant": ("社區工作者", "密碼須至少包含 3 類字元"),
        "en": ("Community worker", "at least 3 kinds of characters"),
    }
    for language, (role, password) in expected.items():
        with translation.override(language):
            assert str(Role.COMMUNITY_WORKER.label) == role
            assert password in validator.get_help_text()
    with translation.override("en"):
        assert "at least 1 kind of character " in CharacterClassValidator(1).get_help_text()


# The command's own logic, without GNU gettext.


def _entry(msgid: str, msgstr: str = "", **kwargs) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **kwargs)


def _po(locale: str, *items: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    po.metadata = {"Plural-Forms": i18n_update.PLURAL_FORMS[locale]}
    for item in items:
        po.append(item)
    return po


def test_traditional_is_converted_unless_reviewed_and_reviews_go_stale():
    pytest.importorskip("opencc")
    simplified = _po(
        "zh_Hans",
        _entry("Community worker", "社区工作者"),
        _entry("Log in", "登录"),
        _entry("Audit log", "审计日志"),
        _entry("New", ""),
        polib.POEntry(
            msgid="%(n)d kind", msgid_plural="%(n)d kinds", msgstr_plural={0: "%(n)d 类"}
        ),
    )
    traditional = _po(
        "zh_Hant",
        _entry("Community worker", "社區工作者", tcomment="reviewed: 社區, not 社群"),
        _entry("Log in", "舊的", flags=["fuzzy"], previous_msgid="Log on"),
        _entry("Audit log", "稽核日誌", tcomment="reviewed: 稽核\nzh_Hans: 审计记录"),
        _entry("New", ""),
        polib.POEntry(msgid="%(n)d kind", msgid_plural="%(n)d kinds", msgstr_plural={0: ""}),
    )
    report = i18n_update.fill_traditional(traditional, simplified)
    worker, log_in, audit, new, plural = traditional
    assert worker.msgstr == "社區工作者" and "zh_Hans: 社区工作者" in worker.tcomment
    assert log_in.msgstr == "登入" and not log_in.fuzzy and log_in.previous_msgid is None
    assert audit.fuzzy and audit.msgstr == "稽核日誌"  # its zh_Hans text changed: review again
    assert new.msgstr == "" and report.waiting == ["New"]
    assert plural.msgstr_plural == {0: "%(n)d 類"}
    assert (report.filled, report.kept_reviewed, report.to_review) == (2, 1, ["Audit log"])


def test_english_is_filled_where_empty_or_fuzzy_only():
    po = _po(
        "en",
        _entry("Log in"),
        _entry("Sign in", "Log in", flags=["fuzzy"]),
        _entry("Colour", "Color"),
        polib.POEntry(msgid="%(n)d kind", msgid_plural="%(n)d kinds", msgstr_plural={0: "", 1: ""}),
    )
    assert i18n_update.fill_english(po) == 3
    assert [entry.msgstr for entry in po][:3] == ["Log in", "Sign in", "Color"]
    assert not po[1].fuzzy
    assert po[3].msgstr_plural == {0: "%(n)d kind", 1: "%(n)d kinds"}


def test_compile_only_writes_the_mo_files_with_polib(tmp_path, settings):
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    for mo_path in (tmp_path / "locale").glob("*/LC_MESSAGES/*.mo"):
        mo_path.unlink()
    call_command("i18n_update", "--compile-only", stdout=io.StringIO())
    for po_path in PO_FILES:
        copied = tmp_path / "locale" / po_path.relative_to(LOCALE_DIR)
        assert copied.with_suffix(".mo").read_bytes() == po_path.with_suffix(".mo").read_bytes()


def test_update_refuses_clearly_without_gettext(monkeypatch, tmp_path, settings):
    settings.LOCALE_PATHS = [tmp_path / "gongzhi" / "locale"]
    monkeypatch.setenv("PATH", str(tmp_path))  # no xgettext there
    with pytest.raises(CommandError, match="needs GNU gettext.*xgettext"):
        call_command("i18n_update")
    assert not (tmp_path / "gongzhi" / "locale").exists()
