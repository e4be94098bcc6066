"""Builders for test data; every write goes through the services, as in production."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from summitry.accounts.models import User
from summitry.directory.models import Country, Office, Organisation, Person, Term
from summitry.engagements.models import Engagement
from summitry.engagements.services import EngagementInput, ParticipantInput, create_engagement

_serial = itertools.count(1)


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def organisation(acronym: str, members: tuple[str, ...] = ()) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        acronym=acronym, defaults={"name": acronym, "category": "forum"}
    )
    if members:
        org.members.set(Country.objects.filter(code__in=members))
    return org


def person(
    name: str | None = None,
    country_code: str = "CN",
    office: str | None = None,
    since: dt.date = dt.date(2013, 3, 14),
    until: dt.date | None = None,
) -> Person:
    someone, _ = Person.objects.get_or_create(
        name=name or f"Person {next(_serial)}", defaults={"country": country(country_code)}
    )
    if office:
        post, _ = Office.objects.get_or_create(title=office, defaults={"country": someone.country})
        Term.objects.create(person=someone, office=post, start=since, end=until)
    return someone


def user(
    role: str = User.Role.EDITOR, username: str | None = None, password: str = "pw-for-tests-1"
) -> User:
    account = User(username=username or f"user{next(_serial)}", role=role)
    account.set_password(password)
    account.save()
    return account


def engagement(
    title: str | None = None,
    kind: str = "telephone_call",
    start: dt.datetime | None = dt.datetime(2020, 3, 26, 12, tzinfo=dt.UTC),
    status: str = "held",
    countries: tuple[str, ...] = (),
    people: tuple[Person, ...] = (),
    by: User | None = None,
    participants: list[ParticipantInput] | None = None,
    **fields: Any,
) -> Engagement:
    data = EngagementInput(
        title=title or f"Engagement {next(_serial)}",
        kind=kind,
        status=status,
        start=start,
        countries=[country(c) for c in countries],
        participants=participants or [ParticipantInput(person=p) for p in people],
        **fields,
    )
    return create_engagement(data, by=by)
