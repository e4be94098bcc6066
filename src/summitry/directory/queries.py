"""Read-side questions the directory answers."""

from __future__ import annotations

import datetime as dt

from summitry.directory.models import Office, Person, Term


def holders_of(office: Office, day: dt.date) -> list[Person]:
    """Who held `office` on `day` (usually one person)."""
    return [
        term.person for term in Term.objects.on(day).filter(office=office).select_related("person")
    ]


def offices_held(person: Person, day: dt.date) -> list[Office]:
    terms = Term.objects.on(day).filter(person=person).select_related("office")
    return [term.office for term in terms.order_by("-start")]
