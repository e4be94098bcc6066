"""Names and codes as people write them, turned into directory rows and times.

Shared by the file importer and the API, so that both read a country, an organisation, a person,
a reader or a date the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from summitry.directory.countries import resolve_country_code
from summitry.directory.models import Country, Organisation, Person
from summitry.engagements.services import date_only_start, text_problem

if TYPE_CHECKING:
    from summitry.accounts.models import User


class Resolver:
    """Turns names and codes into directory rows, suggesting the closest names when unknown."""

    def __init__(self) -> None:
        self.countries = {c.code: c for c in Country.objects.all()}
        self.country_names = {c.name.casefold(): c for c in self.countries.values()}
        self.organisations = {o.acronym.casefold(): o for o in Organisation.objects.all()}
        self.organisations.update({o.name.casefold(): o for o in Organisation.objects.all()})
        self.people = {p.name.casefold(): p for p in Person.objects.select_related("country")}

    @staticmethod
    def _suggest(value: str, names: list[str]) -> str:
        close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
        if not close:
            lowered = {n.casefold(): n for n in names}
            close = [
                lowered[n] for n in difflib.get_close_matches(value.casefold(), list(lowered), n=3)
            ]
        return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""

    def country(self, value: str) -> Country:
        code = resolve_country_code(value)
        found = self.countries.get(code or "") or self.country_names.get(value.strip().casefold())
        if found is None:
            names = [c.name for c in self.countries.values()]
            raise LookupError(f"unknown country {value!r}{self._suggest(value, names)}")
        return found

    def organisation(self, value: str) -> Organisation:
        found = self.organisations.get(value.strip().casefold())
        if found is None:
            names = sorted({o.acronym for o in self.organisations.values()})
            names += sorted({o.name for o in self.organisations.values()})
            raise LookupError(f"unknown organisation {value!r}{self._suggest(value, names)}")
        return found

    def person(self, value: str) -> Person:
        found = self.people.get(value.strip().casefold())
        if found is None:
            names = [p.name for p in self.people.values()]
            raise LookupError(
                f"unknown person {value!r}{self._suggest(value, names)} "
                "(add new people to the directory first)"
            )
        return found

    def reader(self, username: str) -> User:
        """An active account named as a reader; no suggestions, which would list accounts."""
        if text_problem(username, 150):
            raise LookupError("a username has at most 150 characters and no NUL")
        found = get_user_model().objects.filter(username=username.strip(), is_active=True).first()
        if found is None:
            raise LookupError(f"no active account is named {username!r}")
        return found


def parse_when(value: Any) -> tuple[dt.datetime | None, bool]:
    """A datetime with an offset, or a date alone (the record gives no hour)."""
    if value in (None, ""):
        return None, True
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date or date-time, got {value!r}")
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date_only_start(dt.date.fromisoformat(text)), False
        except ValueError as error:
            raise ValueError(f"{text!r} is not a valid date ({error})") from None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 date or date-time") from None
    if moment.tzinfo is None:
        raise ValueError(
            f"{text!r} has no UTC offset (write it as {text}+00:00 or with its offset)"
        )
    return moment, True
