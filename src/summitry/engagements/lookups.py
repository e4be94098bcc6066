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
from summitry.directory.models import Country, Office, Organisation, Person
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
        self.offices = {o.title.casefold(): o for o in Office.objects.all()}

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

    def office(self, value: str) -> Office:
        found = self.offices.get(value.strip().casefold())
        if found is None:
            names = [o.title for o in self.offices.values()]
            raise LookupError(f"unknown office {value!r}{self._suggest(value, names)}")
        return found

    def readers(self, names: list[Any]) -> list[User]:
        """Accounts named as readers; no suggestions, which would list accounts."""
        wanted = {str(n).strip() for n in names}
        if any(text_problem(n, 150) for n in wanted):
            raise LookupError("a username has at most 150 characters and no NUL")
        users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
        unknown = sorted(wanted - set(users))
        if unknown:
            raise LookupError(f"unknown user {', '.join(repr(n) for n in unknown)}")
        return [users[n] for n in sorted(wanted)]

    def reader(self, username: str) -> User:
        return self.readers([username])[0]


def parse_when(value: Any) -> tuple[dt.datetime | None, bool]:
    """A datetime with an offset, or a date alone (the record gives no hour)."""
    if value in (None, ""):
        return None, True
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date or date-time, got {value!r}")
    text = value.strip()
    if re.fullmatch(r"[-+]?\d{4,}-\d{2}-\d{2}[-+Z].*", text):
        # Python would read 2020-01-01+01:00 as one o'clock; a date alone has no offset.
        raise ValueError(
            f"{text!r}: a date alone takes no UTC offset "
            "(write the date alone, or a date-time such as 2020-01-01T12:00+01:00)"
        )
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
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range (years 1 to 9999 in UTC)") from None
    return moment, True
