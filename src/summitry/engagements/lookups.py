"""Names and codes as people write them, turned into directory rows and times.

Shared by the file importer and the API, so that both read a country, an organisation, a person,
a reader or a date the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import TYPE_CHECKING, Any

from babel.lists import format_list
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from summitry.directory.countries import resolve_country_code
from summitry.directory.models import Country, Office, Organisation, Person
from summitry.engagements.services import date_only_start, text_problem
from summitry.web.formats import locale

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
    def _close(value: str, names: list[str]) -> list[str]:
        close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
        if not close:
            lowered = {n.casefold(): n for n in names}
            close = [
                lowered[n] for n in difflib.get_close_matches(value.casefold(), list(lowered), n=3)
            ]
        return close

    def _unknown(self, value: str, names: list[str], unknown: str, suggesting: str) -> LookupError:
        """`unknown` with the value, or `suggesting` with the value and the closest names."""
        close = self._close(value, names)
        if not close:
            return LookupError(unknown % {"value": repr(value)})
        options = format_list([repr(c) for c in close], style="or", locale=locale())
        return LookupError(suggesting % {"value": repr(value), "names": options})

    def country(self, value: str) -> Country:
        code = resolve_country_code(value)
        found = self.countries.get(code or "") or self.country_names.get(value.strip().casefold())
        if found is None:
            raise self._unknown(
                value,
                [c.name for c in self.countries.values()],
                _("unknown country %(value)s"),
                _("unknown country %(value)s; did you mean %(names)s?"),
            )
        return found

    def organisation(self, value: str) -> Organisation:
        found = self.organisations.get(value.strip().casefold())
        if found is None:
            names = sorted({o.acronym for o in self.organisations.values()})
            names += sorted({o.name for o in self.organisations.values()})
            raise self._unknown(
                value,
                names,
                _("unknown organisation %(value)s"),
                _("unknown organisation %(value)s; did you mean %(names)s?"),
            )
        return found

    def person(self, value: str) -> Person:
        found = self.people.get(value.strip().casefold())
        if found is None:
            raise self._unknown(
                value,
                [p.name for p in self.people.values()],
                _("unknown person %(value)s (add new people to the directory first)"),
                _(
                    "unknown person %(value)s; did you mean %(names)s? (add new people to the "
                    "directory first)"
                ),
            )
        return found

    def office(self, value: str) -> Office:
        found = self.offices.get(value.strip().casefold())
        if found is None:
            raise self._unknown(
                value,
                [o.title for o in self.offices.values()],
                _("unknown office %(value)s"),
                _("unknown office %(value)s; did you mean %(names)s?"),
            )
        return found

    def readers(self, names: list[Any]) -> list[User]:
        """Accounts named as readers; no suggestions, which would list accounts."""
        wanted = {str(n).strip() for n in names}
        if any(text_problem(n, 150) for n in wanted):
            raise LookupError(_("a username has at most 150 characters and no NUL"))
        users = {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
        unknown = sorted(wanted - set(users))
        if unknown:
            raise LookupError(
                _("unknown user %(names)s")
                % {"names": format_list([repr(n) for n in unknown], locale=locale())}
            )
        return [users[n] for n in sorted(wanted)]

    def reader(self, username: str) -> User:
        return self.readers([username])[0]


def parse_when(value: Any) -> tuple[dt.datetime | None, bool]:
    """A datetime with an offset, or a date alone (the record gives no hour)."""
    if value in (None, ""):
        return None, True
    if not isinstance(value, str):
        raise ValueError(
            _("expected an ISO 8601 date or date-time, got %(value)s") % {"value": repr(value)}
        )
    text = value.strip()
    if re.fullmatch(r"[-+]?\d{4,}-\d{2}-\d{2}[-+Z].*", text):
        # Python would read 2020-01-01+01:00 as one o'clock; a date alone has no offset.
        raise ValueError(
            _(
                "%(value)s: a date alone takes no UTC offset (write the date alone, or a "
                "date-time such as 2020-01-01T12:00+01:00)"
            )
            % {"value": repr(text)}
        )
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date_only_start(dt.date.fromisoformat(text)), False
        except ValueError as error:
            raise ValueError(
                _("%(value)s is not a valid date (%(error)s)")
                % {"value": repr(text), "error": error}
            ) from None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            _("%(value)s is not an ISO 8601 date or date-time") % {"value": repr(text)}
        ) from None
    if moment.tzinfo is None:
        raise ValueError(
            _("%(value)s has no UTC offset (write it as %(text)s+00:00 or with its offset)")
            % {"value": repr(text), "text": text}
        )
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(
            _("%(value)s is out of range (years 1 to 9999 in UTC)") % {"value": repr(text)}
        ) from None
    return moment, True
