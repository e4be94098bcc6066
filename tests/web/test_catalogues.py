"""The translation gate: every catalogue valid, complete in the five languages, and up to date with
the source. What to do when one of these fails is in docs/i18n.md ("Adding a string")."""

from __future__ import annotations

import re
import subprocess

import polib
import pytest

from summitry.web.catalogues import (
    LANGUAGES,
    PLURAL_FORMS,
    SOURCE,
    Catalogue,
    catalogues,
    pot_of_source,
)

pytestmark = pytest.mark.unit

UPDATE = "run `make messages`, translate the entries it adds (msgstr), then run the tests again"


def present_catalogues() -> list[tuple[Catalogue, str]]:
    return [
        (catalogue, language)
        for catalogue in catalogues()
        for language in LANGUAGES
        if catalogue.po(language).is_file()
    ]


def label(catalogue: Catalogue, language: str) -> str:
    return str(catalogue.po(language).relative_to(SOURCE.parent.parent))


def key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(sorted({path for path, _line in entry.occurrences})) or "?"
    context = f" (context {entry.msgctxt!r})" if entry.msgctxt else ""
    return f"{entry.msgid!r}{context} from {where}"


@pytest.fixture(scope="module")
def source_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[Catalogue, polib.POFile]:
    """What makemessages finds in the source today, made in a scratch copy of each tree."""
    scratch = tmp_path_factory.mktemp("messages")
    found = {}
    for catalogue in catalogues():
        pot = pot_of_source(catalogue, scratch)
        found[catalogue] = polib.pofile(str(pot)) if pot else polib.POFile()
    return found


def test_catalogues_exist_for_every_app_with_marked_strings(
    source_templates: dict[Catalogue, polib.POFile],
) -> None:
    missing = [
        label(catalogue, language)
        for catalogue, template in source_templates.items()
        if len(template)
        for language in LANGUAGES
        if not catalogue.po(language).is_file()
    ]
    assert not missing, f"Catalogues missing: {', '.join(missing)}; {UPDATE}."


def test_catalogues_exist_for_every_app_with_templates() -> None:
    unmarked = [
        catalogue.name
        for catalogue in catalogues()
        if catalogue.domain == "django"
        and (catalogue.root / "templates").is_dir()
        and not all(catalogue.po(language).is_file() for language in LANGUAGES)
    ]
    assert not unmarked, (
        f"Apps with templates but no catalogue in every language: {', '.join(unmarked)}. Mark"
        f" their strings ({{% translate %}}, gettext), then {UPDATE}."
    )


def test_catalogues_pass_msgfmt_check() -> None:
    failures = []
    for catalogue, language in present_catalogues():
        result = subprocess.run(
            ["msgfmt", "--check", "--output-file", "/dev/null", str(catalogue.po(language))],
            capture_output=True,
            text=True,
        )
        if result.returncode:
            failures.append(f"{label(catalogue, language)}:\n{result.stderr.strip()}")
    assert not failures, (
        "msgfmt --check rejects these catalogues (fix the lines it names: placeholders such as"
        " %(name)s and {name} must match the msgid's, plural entries need every msgstr[n]):\n"
        + "\n".join(failures)
    )


def test_catalogues_translate_every_entry() -> None:
    problems = []
    for catalogue, language in present_catalogues():
        po = polib.pofile(str(catalogue.po(language)))
        problems += [
            f"{label(catalogue, language)}: untranslated {describe(e)}"
            for e in po.untranslated_entries()
        ]
        problems += [
            f"{label(catalogue, language)}: fuzzy (check the translation, then delete the"
            f" '#, fuzzy' line) {describe(e)}"
            for e in po.fuzzy_entries()
        ]
        if po.metadata_is_fuzzy:
            problems.append(f"{label(catalogue, language)}: the header is marked fuzzy")
    assert not problems, "Translate these entries (msgstr):\n" + "\n".join(problems)


def test_catalogues_use_the_languages_plural_rules() -> None:
    wrong = []
    for catalogue, language in present_catalogues():
        po = polib.pofile(str(catalogue.po(language)))
        rule = re.sub(r"\s+", " ", po.metadata.get("Plural-Forms", "")).strip()
        if rule != PLURAL_FORMS[language]:
            wrong.append(f"{label(catalogue, language)}: {rule!r}")
    assert not wrong, (
        "Plural-Forms differ from summitry.web.catalogues.PLURAL_FORMS (run `make messages`,"
        " which sets them, and give each plural entry that many msgstr[n]):\n" + "\n".join(wrong)
    )


def test_catalogues_match_the_source(source_templates: dict[Catalogue, polib.POFile]) -> None:
    problems = []
    for catalogue, template in source_templates.items():
        wanted = {key(entry): entry for entry in template}
        for language in LANGUAGES:
            if not catalogue.po(language).is_file():
                continue
            po = polib.pofile(str(catalogue.po(language)))
            held = {key(entry): entry for entry in po if not entry.obsolete}
            name = label(catalogue, language)
            problems += [
                f"{name}: new string {describe(wanted[k])}" for k in sorted(wanted.keys() - held)
            ]
            problems += [
                f"{name}: {describe(held[k])} is no longer in the source"
                for k in sorted(held.keys() - wanted)
            ]
    assert not problems, f"Catalogues out of date with the source; {UPDATE}:\n" + "\n".join(
        problems
    )
