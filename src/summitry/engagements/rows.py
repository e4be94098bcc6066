"""The register's rows: what one line of the list shows, for a page of records already chosen
under the access rule. Related names are read in one query per table (plain values, no model
instances) and labels are looked up once per page, so that a page of fifty rows costs a few
milliseconds on top of its query, however large the register."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import pgettext

from summitry.directory import names
from summitry.directory.models import Country
from summitry.engagements.models import (
    Confidentiality,
    Engagement,
    EngagementText,
    Kind,
    Status,
)
from summitry.engagements.texts import Text, text_among
from summitry.web import formats

# The columns a row reads; the readout (the longest) is not among them.
COLUMNS: tuple[str, ...] = ("id", "title", "kind", "status", "start", "time_known")
COLUMNS += ("original_language", "confidentiality")


@dataclass(frozen=True)
class Row:
    pk: int
    url: str
    # The start as the reader's language writes it (a date alone when the hour is not known),
    # and as a machine reads it; both empty when the date is not fixed.
    when: str
    stamp: str
    title: str
    language: str
    confidentiality: str
    confidentiality_label: str
    kind_label: str
    status: str
    status_label: str
    counterparts: str


def for_rows(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """The page's query reads only what a row shows."""
    return engagements.only(*COLUMNS)


def rows(page: Sequence[Engagement], language: str | None = None) -> list[Row]:
    ids = [e.pk for e in page]
    if not ids:
        return []
    # In the database's order of names, as the record's page lists them.
    links = list(
        Engagement.countries.through.objects.filter(engagement_id__in=ids)
        .order_by("country__name")
        .values_list("engagement_id", "country_id")
    )
    by_id = Country.objects.in_bulk({country_id for _, country_id in links})
    countries: dict[int, list[Country]] = defaultdict(list)
    for engagement_id, country_id in links:
        countries[engagement_id].append(by_id[country_id])
    organisations: dict[int, list[str]] = defaultdict(list)
    linked = Engagement.organisations.through.objects.filter(engagement_id__in=ids)
    for engagement_id, acronym in linked.values_list(
        "engagement_id", "organisation__acronym"
    ).order_by("organisation__acronym"):
        organisations[engagement_id].append(acronym)
    versions: dict[int, list[Text]] = defaultdict(list)
    for engagement_id, code, title in EngagementText.objects.filter(
        engagement_id__in=ids
    ).values_list("engagement_id", "language", "title"):
        versions[engagement_id].append(Text(code, title, "", False))
    kinds = {value: str(label) for value, label in Kind.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    secrecy = {value: str(label) for value, label in Confidentiality.choices}
    comma = pgettext("between two names in a list", ", ")
    # Every row's link differs from the first one's only by its id.
    url = reverse("engagements:detail", args=[0])
    head, tail = url.rsplit("/0/", 1)
    made = []
    for e in page:
        original = Text(e.original_language, e.title, "", True)
        others = sorted(versions.get(e.pk, []), key=lambda t: t.language)
        text = text_among([original, *others], language) if others else original
        parts = [comma.join(names.country_name(c, language) for c in countries.get(e.pk, []))]
        parts.append(comma.join(organisations.get(e.pk, [])))
        when = stamp = ""
        if e.start is not None:
            local = timezone.localtime(e.start)
            if e.time_known:
                when = formats.format_datetime(e.start, "medium", language=language)
                stamp = dateformat.format(local, "c")
            else:
                when = formats.format_date(e.start, "medium", language=language)
                stamp = dateformat.format(local, "Y-m-d")
        made.append(
            Row(
                pk=e.pk,
                url=f"{head}/{e.pk}/{tail}",
                when=when,
                stamp=stamp,
                title=text.title,
                language=text.language,
                confidentiality=e.confidentiality,
                confidentiality_label=secrecy.get(e.confidentiality, e.confidentiality),
                kind_label=kinds.get(e.kind, e.kind),
                status=e.status,
                status_label=statuses.get(e.status, e.status),
                counterparts="; ".join(p for p in parts if p),
            )
        )
    return made
