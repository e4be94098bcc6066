"""An export re-imports, where only the reference data is held, to the same records and people."""

from __future__ import annotations

import io
from typing import Any

import pytest

from summitry.accounts.models import User
from summitry.directory.models import Office, Person, Term
from summitry.engagements.demo import load_demo
from summitry.engagements.exporter import export
from summitry.engagements.importer import import_text
from summitry.engagements.models import Engagement, Participation, Topic
from summitry.engagements.services import TextInput, input_from, update_engagement
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def snapshot() -> dict[str, Any]:
    """Every field of every engagement, and the directory entry of everyone they name."""
    engagements = {}
    for e in Engagement.objects.all():
        engagements[e.ref] = {
            "fields": (
                e.title, e.kind, e.status, e.start, e.end, e.time_known, e.readout,
                e.confidentiality,
                e.host_country.code if e.host_country else None,
                e.host_organisation.acronym if e.host_organisation else None,
                e.chair.name if e.chair else None,
            ),
            "participants": [
                (
                    p.person.name, p.role, p.office.title if p.office else None,
                    p.country.code if p.country else None,
                    p.organisation.acronym if p.organisation else None,
                )
                for p in e.participations.order_by("order")
            ],
            "sources": [(s.citation, s.url, s.note) for s in e.sources.all()],
            "readers": sorted(u.username for u in e.readers.all()),
            "topics": sorted(t.name for t in e.topics.all()),
            "countries": sorted(c.code for c in e.countries.all()),
            "organisations": sorted(o.acronym for o in e.organisations.all()),
            "original_language": e.original_language,
            "versions": [(t.language, t.title, t.readout) for t in e.texts.all()],
        }  # fmt: skip
    people = {
        p.name: (
            p.country.code if p.country else None,
            p.time_zone,
            p.names,
            sorted(
                (
                    t.office.title,
                    t.office.country.code if t.office.country else None,
                    t.office.organisation.acronym if t.office.organisation else None,
                    t.start,
                    t.end,
                )
                for t in p.terms.all()
            ),
        )
        for p in Person.objects.all()
    }
    return {"engagements": engagements, "people": people}


def keep_only_reference_data() -> None:
    """What a fresh instance holds: countries and organisations (and here the reader account)."""
    Engagement.objects.all().delete()
    Topic.objects.all().delete()
    Term.objects.all().delete()
    Person.objects.all().delete()
    Office.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_demo_export_reimports_into_reference_data_to_the_same_records(fmt: str) -> None:
    load_demo()
    factories.user(User.Role.READER, username="analyst")
    # The demo is all public: make one record confidential with a reader and a noted URL source.
    tedros = Participation.objects.filter(person__name="Tedros Adhanom Ghebreyesus").first()
    assert tedros is not None and tedros.organisation is not None
    data = input_from(tedros.engagement)
    data.confidentiality = "confidential"
    data.readers = list(User.objects.filter(username="analyst"))
    data.sources = [*data.sources]
    data.sources[0].url = "https://example.org/readout?a=1;b=2"
    # Kept in Chinese first, with versions in English (a readout over lines) and in French.
    data.original_language = "zh-hans"
    data.versions = [
        TextInput("en", data.title, "Line one;\nline two, with a comma."),
        TextInput("fr", "Entretien avec le Directeur général de l'OMS"),
    ]
    data.title = "习近平会见世界卫生组织总干事谭德塞"
    update_engagement(tedros.engagement, data, by=None)
    before = snapshot()
    assert before["engagements"][tedros.engagement.ref]["original_language"] == "zh-hans"
    assert len(before["engagements"][tedros.engagement.ref]["versions"]) == 2
    assert before["people"]["Xi Jinping"][2]["zh-hans"] == "习近平"
    assert len(before["engagements"]) == 52
    assert before["engagements"][tedros.engagement.ref]["readers"] == ["analyst"]

    out = io.StringIO()
    export(out, fmt)
    keep_only_reference_data()
    result = import_text(out.getvalue(), fmt)
    assert result.created == 52

    after = snapshot()
    for ref, record in before["engagements"].items():
        assert after["engagements"][ref] == record, ref
    assert after == before
    guterres = Participation.objects.filter(person__name="António Guterres").first()
    assert guterres is not None and guterres.organisation is not None
    assert guterres.organisation.acronym == "UN"
    # The same file again changes nothing.
    again = import_text(out.getvalue(), fmt)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 52)
