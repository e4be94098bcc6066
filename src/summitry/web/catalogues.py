"""The translation catalogues: where they live, how they are made from the source, what they hold.

Each app keeps its own under `<app>/locale/<language>/LC_MESSAGES/` (`django.po`, and `djangojs.po`
where the app has scripts); the project-level modules (cli.py, urls.py...) keep theirs in
`src/summitry/locale/`. `make messages` runs this module to bring every catalogue up to date with
the source; tests/web/test_catalogues.py fails while one is out of date, untranslated or invalid.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import summitry

SOURCE = Path(summitry.__file__).resolve().parent
# Locale directory names (Django's spelling) of the languages translated from English.
LANGUAGES = ("ar", "zh_Hans", "fr", "ru", "es")
# gettext's own rules (CLDR's for whole numbers): Arabic has six forms, Russian three.
PLURAL_FORMS = {
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3"
        " : n%100>=11 ? 4 : 5);"
    ),
    "zh_Hans": "nplurals=1; plural=0;",
    "fr": "nplurals=2; plural=(n > 1);",
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 &&"
        " (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "es": "nplurals=2; plural=(n != 1);",
}
DOMAINS = {"django": (".py", ".html", ".txt"), "djangojs": (".js",)}
# Not scanned: generated or third-party scripts.
IGNORED = ("*.bundle.js", "vendor", "__pycache__", "migrations")
# Apps that are not Django apps (the scheduler knows no Django) have no catalogue.
NOT_TRANSLATED = ("scheduling",)


@dataclass(frozen=True)
class Catalogue:
    """One domain of one source tree: `root/locale/<language>/LC_MESSAGES/<domain>.po`."""

    root: Path
    domain: str
    # Folders under root that belong to another catalogue.
    skip: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return "project" if self.root == SOURCE else self.root.name

    def po(self, language: str) -> Path:
        return self.root / "locale" / language / "LC_MESSAGES" / f"{self.domain}.po"

    def ignore_patterns(self) -> list[str]:
        return [*IGNORED, *self.skip, "locale"]


def apps() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.iterdir()
        if (path / "apps.py").is_file() and path.name not in NOT_TRANSLATED
    )


def has_sources(root: Path, domain: str, skip: Iterable[str] = ()) -> bool:
    skipped = {root / name for name in skip}
    for path in root.rglob("*"):
        if any(part in {"locale", "vendor", "__pycache__", "migrations"} for part in path.parts):
            continue
        if any(parent in skipped for parent in path.parents):
            continue
        if path.suffix in DOMAINS[domain] and not path.name.endswith(".bundle.js"):
            return True
    return False


def catalogues() -> list[Catalogue]:
    """Every catalogue the source calls for: one per app and domain, and the project's."""
    found = [
        Catalogue(SOURCE, "django", tuple(path.name for path in SOURCE.iterdir() if path.is_dir()))
    ]
    for app in apps():
        for domain in DOMAINS:
            if has_sources(app, domain):
                found.append(Catalogue(app, domain))
    return found


def makemessages(
    catalogue: Catalogue, root: Path, languages: Iterable[str], keep_pot: bool
) -> None:
    """Django's makemessages over `root` (the catalogue's tree or a copy of it)."""
    (root / "locale").mkdir(exist_ok=True)
    command = [sys.executable, "-m", "django", "makemessages", "--domain", catalogue.domain]
    command += ["--no-wrap", "--no-obsolete", "--add-location", "file"]
    for language in languages:
        command += ["--locale", language]
    for pattern in catalogue.ignore_patterns():
        command += ["--ignore", pattern]
    if keep_pot:
        command.append("--keep-pot")
    # Without settings: LOCALE_PATHS would send every app's strings to the project catalogue.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True, text=True)


def fix_header(path: Path, language: str) -> None:
    """A new catalogue's header names its language and our plural rule (makemessages copies
    Django's own, which gives Russian a fourth form for fractions) and is not fuzzy."""
    text = path.read_text(encoding="utf-8")
    fixed = re.sub(
        r'"Plural-Forms: [^"]*(?:"\n"[^"]*)*\\n"',
        lambda _match: f'"Plural-Forms: {PLURAL_FORMS[language]}\\n"',
        text,
        count=1,
    )
    fixed = fixed.replace('"Language: \\n"', f'"Language: {language}\\n"', 1)
    fixed = re.sub(r'(?m)^#, fuzzy\nmsgid ""\nmsgstr ""\n', 'msgid ""\nmsgstr ""\n', fixed, count=1)
    if fixed != text:
        path.write_text(fixed, encoding="utf-8")


def pot_of_source(catalogue: Catalogue, scratch: Path) -> Path | None:
    """The template (.pot) the current source gives, made in a copy under `scratch`."""
    copy = scratch / catalogue.name / catalogue.domain / catalogue.root.name
    shutil.copytree(
        catalogue.root,
        copy,
        ignore=shutil.ignore_patterns(*catalogue.ignore_patterns()),
    )
    makemessages(catalogue, copy, [LANGUAGES[0]], keep_pot=True)
    pot = copy / "locale" / f"{catalogue.domain}.pot"
    return pot if pot.is_file() else None


def update() -> None:
    """Bring every catalogue up to date with the source (new strings come in untranslated)."""
    for catalogue in catalogues():
        makemessages(catalogue, catalogue.root, LANGUAGES, keep_pot=False)
        for language in LANGUAGES:
            if catalogue.po(language).is_file():
                fix_header(catalogue.po(language), language)
        print(f"{catalogue.name}: {catalogue.domain}")


if __name__ == "__main__":
    update()
