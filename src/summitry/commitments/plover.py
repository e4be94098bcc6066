"""Open event data for researchers: the public record as PLOVER events, one JSON object a line.

PLOVER (openeventdata's manual, draft 0.8) codes an event as `event` (one of sixteen categories),
`mode` (how) and `context` (about what), with `actor` and `recipient` as lists of entities whose
`code` is the ISO 3166 alpha-3 code of a state or one of the manual's codes for international
non-state actors (UNO, EUR, IGO...). The mapping and its CAMEO equivalents are in docs/data.md.
Only what the public may see is exported: held public engagements, commitments visible to
anyone, and adopted texts of documents whose engagements are all public.

Another app (the assistance ledger's deliveries, as AID) adds its events with `register`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from summitry.commitments import queries as commitment_queries
from summitry.commitments.models import Commitment, Kind
from summitry.directory.models import Country, Organisation
from summitry.engagements.models import Engagement, Status
from summitry.engagements.models import Kind as EngagementKind
from summitry.engagements.queries import visible_to as engagements_visible_to
from summitry.outcomes.models import DocumentKind, PartyAction, Revision
from summitry.outcomes.queries import visible_to as documents_visible_to

# The sixteen event categories of the manual, in its order.
EVENT_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
# CONSULT's modes as the manual spells them.
CONSULT_MODES = ("visit", "third-party", "multilateral", "phone")
# Categories that the manual says require a recipient: without one the event is not coded.
REQUIRES_RECIPIENT = frozenset({"COOPERATE", "AID", "SANCTION"})
# The manual's codes for the two most common international organisations; others are IGO.
NON_STATE_CODES = {"UN": "UNO", "EU": "EUR"}
# A commitment is a promise: AGREE, with the context and CAMEO code of what is promised.
COMMITMENT_CODING: dict[str, tuple[tuple[str, ...], str]] = {
    Kind.FUNDING: (("economic",), "0331"),  # express intent to provide economic aid
    Kind.VACCINES: (("health",), "0333"),  # ... humanitarian aid
    Kind.SUPPLIES: ((), "0333"),
    Kind.TRADE: (("economic",), "0311"),  # express intent to cooperate economically
    Kind.INSTITUTIONAL: (("diplomatic",), "030"),  # express intent to cooperate
    Kind.POLICY: (("diplomatic",), "032"),  # ... engage in diplomatic cooperation
    Kind.OTHER: ((), "030"),
}
# Kinds of commitment whose reported deliveries are aid (AID); trade is not.
AID_KINDS = frozenset({Kind.FUNDING, Kind.VACCINES, Kind.SUPPLIES})
REMOTE_KINDS = frozenset(
    {
        EngagementKind.TELEPHONE_CALL,
        EngagementKind.VIDEO_MEETING,
        EngagementKind.VIRTUAL_SUMMIT,
        EngagementKind.VIDEO_CONFERENCE,
        EngagementKind.VIDEO_ADDRESS,
    }
)
MULTILATERAL_KINDS = frozenset(
    {
        EngagementKind.VIRTUAL_SUMMIT,
        EngagementKind.VIDEO_CONFERENCE,
        EngagementKind.VIDEO_ADDRESS,
    }
)

EventSource = Callable[[int | None], Iterable[dict[str, Any]]]
_sources: dict[str, EventSource] = {}


def register(name: str, source: EventSource) -> None:
    """Add (or replace) a source of events; it receives the year asked for, or None."""
    _sources[name] = source


@dataclass(frozen=True)
class Coding:
    event_type: str
    cameo: str
    mode: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


def entity(party: Country | Organisation) -> dict[str, Any]:
    if isinstance(party, Country):
        return {"code": party.alpha3, "sector": "GOV", "entity_text": party.name}
    return {
        "code": NON_STATE_CODES.get(party.acronym, "IGO"),
        "entity_text": party.name,
        "identifier_text": party.acronym,
    }


def event(
    ident: str,
    day: dt.date,
    coding: Coding,
    actor: list[dict[str, Any]],
    recipient: list[dict[str, Any]],
    source: str,
    **extra: Any,
) -> dict[str, Any] | None:
    """One record as the manual lays it out (its `event` list) with `event_type` beside it;
    None when the manual would not code it (no actor, or no recipient where one is required)."""
    assert coding.event_type in EVENT_TYPES
    if not actor or (coding.event_type in REQUIRES_RECIPIENT and not recipient):
        return None
    return {
        "id": ident,
        "date": day.isoformat(),
        "event_type": coding.event_type,
        "event": [coding.event_type],
        "mode": list(coding.mode) or None,
        "context": list(coding.context) or None,
        "actor": actor,
        "recipient": recipient or None,
        "source": source,
        "cameo": coding.cameo,
        "coder": "summitry",
        **extra,
    }


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def engagement_coding(engagement: Engagement, parties: int) -> Coding:
    kind = engagement.kind
    if kind == EngagementKind.WRITTEN_MESSAGE:
        return Coding("SUPPORT", "051", context=("diplomatic",))  # praise or endorse
    multilateral = (
        kind in MULTILATERAL_KINDS or engagement.host_organisation_id is not None or parties > 2
    )
    modes: list[str] = []
    cameo = "040"
    if kind in REMOTE_KINDS:
        modes.append("phone")  # "via phone or some other remote medium"
        cameo = "041"
    elif engagement.host_country_id is not None:
        hosted_by_party = engagement.countries.filter(pk=engagement.host_country_id).exists()
        modes.append("visit" if hosted_by_party else "third-party")
        cameo = "042" if hosted_by_party else "044"
    if multilateral:
        modes.append("multilateral")
    return Coding("CONSULT", cameo, tuple(modes))


def engagement_events(year: int | None) -> Iterator[dict[str, Any]]:
    engagements = (
        engagements_visible_to(AnonymousUser())
        .filter(status=Status.HELD, start__isnull=False)
        .select_related("host_country", "host_organisation")
        .prefetch_related("countries", "organisations", "sources")
        .order_by("start", "id")
    )
    if year is not None:
        engagements = engagements.filter(start__year=year)
    for engagement in engagements.iterator(chunk_size=500):
        assert engagement.start is not None
        countries = list(engagement.countries.all())
        organisations = list(engagement.organisations.all())
        coding = engagement_coding(engagement, len(countries) + len(organisations))
        parties: list[Country | Organisation] = [*countries, *organisations]
        recipient: list[Country | Organisation] = []
        if "visit" in coding.mode and engagement.host_country is not None:
            # The manual: the visitor is the actor, the host the recipient.
            recipient = [engagement.host_country]
            parties = [p for p in parties if p != engagement.host_country]
        citations = [s.url or s.citation for s in engagement.sources.all()]
        record = event(
            f"summitry-engagement-{engagement.pk}",
            engagement.start.astimezone(dt.UTC).date(),
            coding,
            [entity(p) for p in parties],
            [entity(p) for p in recipient],
            "; ".join(citations) or _site(engagement.get_absolute_url()),
            event_text=[engagement.title],
            link=engagement.ref,
        )
        if record is not None:
            yield record


def _beneficiaries(commitment: Commitment) -> list[Country | Organisation]:
    found: list[Country | Organisation] = [
        *commitment.beneficiary_countries.all(),
        *commitment.beneficiary_organisations.all(),
    ]
    # A group named by an organisation ("the African Union's members") is its member states: a
    # compound recipient, as the manual codes the members of an alliance.
    for group in commitment.beneficiary_members_of.all():
        found.extend(c for c in group.members.all() if c not in found)
    return found


def commitment_events(year: int | None) -> Iterator[dict[str, Any]]:
    commitments = (
        commitment_queries.visible_to(AnonymousUser())
        .select_related("maker_country", "maker_organisation", "engagement")
        .prefetch_related(
            "beneficiary_countries",
            "beneficiary_organisations",
            "beneficiary_members_of__members",
            "sources",
            "progress_reports",
        )
        .order_by("made_on", "id")
    )
    for commitment in commitments:
        context, cameo = COMMITMENT_CODING[commitment.kind]
        actor = [entity(commitment.maker)]
        recipient = [entity(b) for b in _beneficiaries(commitment)]
        source = "; ".join(s.url or s.citation for s in commitment.sources.all())
        if year is None or commitment.made_on.year == year:
            record = event(
                f"summitry-commitment-{commitment.pk}",
                commitment.made_on,
                Coding("AGREE", cameo, context=context),
                actor,
                recipient,
                source,
                event_text=[commitment.text],
                link=commitment.engagement.ref if commitment.engagement else None,
            )
            if record is not None:
                yield record
        if commitment.kind not in AID_KINDS:
            continue
        for report in commitment.progress_reports.all():
            if report.amount is None or (year is not None and report.on.year != year):
                continue
            record = event(
                f"summitry-progress-{report.pk}",
                report.on,
                Coding("AID", "071" if commitment.kind == Kind.FUNDING else "073", (), context),
                actor,
                recipient,
                report.url or report.source,
                link=f"summitry-commitment-{commitment.pk}",
            )
            if record is not None:
                yield record


def document_events(year: int | None) -> Iterator[dict[str, Any]]:
    """Adopted texts (not corrigenda) of the documents the public may read (published, their
    engagements all public: the outcomes app's rule)."""
    revisions = (
        Revision.objects.filter(
            adopted_at__isnull=False,
            is_corrigendum=False,
            document__in=documents_visible_to(AnonymousUser()),
        )
        .select_related("document", "adopted_at_engagement")
        .prefetch_related("document__parties__country", "document__parties__organisation")
        .order_by("adopted_at", "id")
    )
    if year is not None:
        revisions = revisions.filter(adopted_at__year=year)
    agreeing = {PartyAction.ADOPTED, PartyAction.SIGNED, PartyAction.JOINED}
    for revision in revisions:
        assert revision.adopted_at is not None
        document = revision.document
        parties = [
            p.country or p.organisation for p in document.parties.all() if p.action in agreeing
        ]
        actor = [entity(p) for p in dict.fromkeys(parties) if p is not None]
        if not actor and revision.adopted_at_engagement is not None:
            actor = [entity(c) for c in revision.adopted_at_engagement.countries.all()]
        # Signing a formal agreement is SUPPORT in the manual (CAMEO 057); adopting any other
        # text states what the parties intend to do together: AGREE (CAMEO 030).
        coding = (
            Coding("SUPPORT", "057", context=("diplomatic",))
            if document.kind == DocumentKind.AGREEMENT
            else Coding("AGREE", "030", context=("diplomatic",))
        )
        record = event(
            f"summitry-document-{document.pk}-r{revision.number}",
            revision.adopted_at.astimezone(dt.UTC).date(),
            coding,
            actor,
            [],
            _site(document.get_absolute_url()),
            event_text=[revision.title],
            link=revision.adopted_at_engagement.ref if revision.adopted_at_engagement else None,
        )
        if record is not None:
            yield record


def events(year: int | None = None) -> Iterator[dict[str, Any]]:
    yield from engagement_events(year)
    yield from document_events(year)
    yield from commitment_events(year)
    for source in _sources.values():
        yield from source(year)


def export(out: TextIO, year: int | None = None) -> int:
    count = 0
    for record in events(year):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
