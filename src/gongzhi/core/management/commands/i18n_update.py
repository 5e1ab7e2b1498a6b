"""`i18n_update`: refresh the translation catalogs under src/gongzhi/locale (developers only).

1. Django's makemessages extracts the msgids of src/gongzhi (domain `django`; `djangojs` too
   once there is JavaScript of our own calling gettext) into zh_Hans, zh_Hant and en, keeping
   the existing translations (msgmerge).
2. zh_Hant is generated: every entry gets the zh_Hans msgstr converted by OpenCC "s2twp"
   (Traditional characters, Taiwan phrasing), except entries whose translator comment starts
   with "reviewed" (`# reviewed` above the entry): those were corrected by hand and are kept.
3. en gets msgstr = msgid (plural forms too) wherever it is empty or fuzzy.
4. Every .po is compiled to .mo with polib, so the .mo files can be committed and neither the
   site nor the tests need GNU gettext. Only this command needs it (xgettext, msgmerge, ...).

See docs/translating.md.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

SOURCE = "zh_Hans"
GENERATED = "zh_Hant"
ENGLISH = "en"
LOCALES = [SOURCE, GENERATED, ENGLISH]
OPENCC_CONFIG = "s2twp"
REVIEWED = "reviewed"
SOURCE_PREFIX = "zh_Hans: "

GETTEXT_PROGRAMS = ["xgettext", "msgmerge", "msguniq", "msgattrib"]
IGNORE_PATTERNS = ["tests", "migrations", "locale", "vendor", "node_modules"]
JS_GETTEXT = re.compile(r"\b(?:n|p|np)?gettext(?:_noop)?\s*\(|\binterpolate\s*\(")

LANGUAGE_NAMES = {
    SOURCE: "Simplified Chinese",
    GENERATED: "Traditional Chinese (generated from zh_Hans with OpenCC s2twp, then reviewed)",
    ENGLISH: "English",
}
PLURAL_FORMS = {
    SOURCE: "nplurals=1; plural=0;",
    GENERATED: "nplurals=1; plural=0;",
    ENGLISH: "nplurals=2; plural=(n != 1);",
}
PLACEHOLDER_METADATA = {
    "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
    "Language-Team": "LANGUAGE <LL@li.org>",
    "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
}


def locale_root() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def source_root() -> Path:
    """The directory makemessages walks: the gongzhi package (the parent of the locale dir)."""
    return locale_root().parent


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def is_reviewed(entry: polib.POEntry) -> bool:
    return any(
        line.strip().lower().startswith(REVIEWED) for line in (entry.tcomment or "").splitlines()
    )


def source_text(entry: polib.POEntry) -> str:
    """The text of a (single-form) Chinese entry, on one line."""
    text = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
    return text.replace("\n", "\\n")


def recorded_source(entry: polib.POEntry) -> str | None:
    """The zh_Hans text a reviewed zh_Hant entry was reviewed against (`# zh_Hans: ...`)."""
    for line in (entry.tcomment or "").splitlines():
        if line.startswith(SOURCE_PREFIX):
            return line[len(SOURCE_PREFIX) :]
    return None


def record_source(entry: polib.POEntry, text: str) -> None:
    lines = [
        line for line in (entry.tcomment or "").splitlines() if not line.startswith(SOURCE_PREFIX)
    ]
    entry.tcomment = "\n".join([*lines, SOURCE_PREFIX + text])


def entry_key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def has_js_strings(root: Path) -> bool:
    """Whether any JavaScript of ours (not vendored) calls the gettext functions."""
    for path in root.rglob("*.js"):
        if any(part in IGNORE_PATTERNS for part in path.relative_to(root).parts):
            continue
        if JS_GETTEXT.search(path.read_text(encoding="utf-8", errors="replace")):
            return True
    return False


@dataclass
class Report:
    filled: int = 0
    kept_reviewed: int = 0
    waiting: list[str] = field(default_factory=list)
    to_review: list[str] = field(default_factory=list)


def fix_header(po: polib.POFile, locale: str) -> None:
    po.header = (
        f"Gongzhi (共治) user-interface strings: {LANGUAGE_NAMES[locale]}.\n"
        "This file is distributed under the same license as Gongzhi (AGPL-3.0-or-later).\n"
        "Update with `uv run gongzhi i18n-update`; see docs/translating.md."
    )
    po.metadata_is_fuzzy = False
    po.metadata["Project-Id-Version"] = "Gongzhi"
    po.metadata["Report-Msgid-Bugs-To"] = ""
    for key, placeholder in PLACEHOLDER_METADATA.items():
        if po.metadata.get(key) == placeholder:
            del po.metadata[key]
    po.metadata["Language"] = locale
    po.metadata["MIME-Version"] = "1.0"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Content-Transfer-Encoding"] = "8bit"
    po.metadata["Plural-Forms"] = PLURAL_FORMS[locale]


def normalize_plurals(po: polib.POFile) -> None:
    """Give every plural entry exactly the catalog's number of forms."""
    count = nplurals(po)
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(count)}


def mark_filled(entry: polib.POEntry) -> None:
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgctxt = None
    entry.previous_msgid = None
    entry.previous_msgid_plural = None


def fill_traditional(target: polib.POFile, source: polib.POFile) -> Report:
    import opencc

    converter = opencc.OpenCC(OPENCC_CONFIG)
    by_key = {entry_key(entry): entry for entry in source if not entry.obsolete}
    report = Report()
    for entry in target:
        if entry.obsolete:
            continue
        original = by_key.get(entry_key(entry))
        ready = original is not None and original.translated()
        if is_reviewed(entry):
            keep_reviewed(entry, original if ready else None, report)
            continue
        if original is None or not ready:
            report.waiting.append(entry.msgid)
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {
                index: converter.convert(text) for index, text in original.msgstr_plural.items()
            }
        else:
            entry.msgstr = converter.convert(original.msgstr)
        mark_filled(entry)
        report.filled += 1
    return report


def keep_reviewed(entry: polib.POEntry, original: polib.POEntry | None, report: Report) -> None:
    """Keep a hand-reviewed entry; flag it fuzzy when its zh_Hans text changed since."""
    if entry.fuzzy or not entry.translated() or original is None:
        report.to_review.append(entry.msgid)
        return
    recorded = recorded_source(entry)
    if recorded is None:
        record_source(entry, source_text(original))
    elif recorded != source_text(original):
        entry.flags.append("fuzzy")
        report.to_review.append(entry.msgid)
        return
    report.kept_reviewed += 1


def fill_english(po: polib.POFile) -> int:
    filled = 0
    for entry in po:
        if entry.obsolete or (entry.translated() and not entry.fuzzy):
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        mark_filled(entry)
        filled += 1
    return filled


def save_po(po: polib.POFile, path: Path, previous_text: str | None) -> None:
    """Save, keeping the old POT-Creation-Date when nothing else changed (no churn)."""
    po.wrapwidth = 79
    if previous_text is not None:
        old_date = polib.pofile(previous_text).metadata.get("POT-Creation-Date")
        new_date = po.metadata.get("POT-Creation-Date")
        if old_date and new_date != old_date:
            po.metadata["POT-Creation-Date"] = old_date
            if str(po).rstrip() != previous_text.rstrip():
                po.metadata["POT-Creation-Date"] = new_date
    po.save(str(path))


def compile_catalogs(root: Path) -> list[Path]:
    """Compile every .po under root to its .mo with polib; return the .mo files that changed."""
    changed = []
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        binary = polib.pofile(str(po_path)).to_binary()
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != binary:
            mo_path.write_bytes(binary)
            changed.append(mo_path)
    return changed


class Command(BaseCommand):
    help = (
        "Extract the UI strings into the zh_Hans, zh_Hant and en catalogs, generate zh_Hant "
        "from zh_Hans with OpenCC (keeping entries marked 'reviewed'), fill en, and compile "
        "every catalog to .mo with polib. Needs GNU gettext; see docs/translating.md."
    )
    requires_system_checks: list[str] = []  # a developer tool: the site's checks do not matter

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--compile-only",
            action="store_true",
            help="Only compile the .po files to .mo (needs no GNU gettext).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = locale_root()
        if not options["compile_only"]:
            self.extract(root, options["verbosity"])
        for mo_path in compile_catalogs(root):
            self.stdout.write(f"Compiled {mo_path.relative_to(source_root().parent.parent)}")
        self.stdout.write(self.style.SUCCESS("Catalogs up to date."))

    def extract(self, root: Path, verbosity: int) -> None:
        missing = [program for program in GETTEXT_PROGRAMS if shutil.which(program) is None]
        if missing:
            raise CommandError(
                f"i18n_update needs GNU gettext to extract strings, and {', '.join(missing)} "
                "is not on the PATH. Install it (Debian/Ubuntu: `apt install gettext`, macOS: "
                "`brew install gettext`) and run the command again. Only this developer command "
                "needs it: the site and the tests use the committed .mo files."
            )
        domains = ["django"]
        if has_js_strings(source_root()):
            domains.append("djangojs")
        root.mkdir(parents=True, exist_ok=True)
        previous = {
            path: path.read_text(encoding="utf-8") for path in root.glob("*/LC_MESSAGES/*.po")
        }
        with contextlib.chdir(source_root()):
            for domain in domains:
                call_command(
                    "makemessages",
                    locale=LOCALES,
                    domain=domain,
                    ignore_patterns=IGNORE_PATTERNS,
                    add_location="file",
                    no_obsolete=True,
                    verbosity=max(0, verbosity - 1),
                )
        for domain in domains:
            paths = {locale: root / locale / "LC_MESSAGES" / f"{domain}.po" for locale in LOCALES}
            catalogs = {locale: polib.pofile(str(path)) for locale, path in paths.items()}
            for locale, po in catalogs.items():
                fix_header(po, locale)
                normalize_plurals(po)
            report = fill_traditional(catalogs[GENERATED], catalogs[SOURCE])
            english = fill_english(catalogs[ENGLISH])
            for locale, po in catalogs.items():
                save_po(po, paths[locale], previous.get(paths[locale]))
            self.summarize(domain, catalogs, report, english)

    def summarize(
        self, domain: str, catalogs: dict[str, polib.POFile], report: Report, english: int
    ) -> None:
        source = catalogs[SOURCE]
        total = len([entry for entry in source if not entry.obsolete])
        untranslated = [
            entry.msgid for entry in source if not entry.obsolete and not entry.translated()
        ]
        self.stdout.write(
            f"{domain}: {total} strings; zh_Hant: {report.filled} generated with OpenCC "
            f"{OPENCC_CONFIG}, {report.kept_reviewed} reviewed by hand kept; en: {english} filled."
        )
        if untranslated:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(untranslated)} zh_Hans strings to translate (empty or fuzzy); "
                    "zh_Hant follows once they are done:"
                )
            )
            for msgid in untranslated:
                self.stdout.write(f"  {msgid!r}")
        if report.to_review:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.to_review)} zh_Hant entries reviewed by hand need another look "
                    "(their msgid or zh_Hans text changed): fix the msgstr, remove the fuzzy flag "
                    "and the 'zh_Hans:' comment line (or the whole 'reviewed' comment to "
                    "regenerate them):"
                )
            )
            for msgid in report.to_review:
                self.stdout.write(f"  {msgid!r}")
