"""Deliveries linked to commitments: the explicit link (with its quantity) is the only way a
delivery counts towards a commitment, and the commitment's progress reads it from here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from summitry.assistance import queries
from summitry.assistance.models import CommitmentLink, Delivery, Modality
from summitry.commitments.evidence import Evidence
from summitry.commitments.models import Commitment
from summitry.directory.models import Country

# The catalogue's units in the commitments' named units.
COMMITMENT_UNITS = {
    "dose": "doses",
    "team": "teams",
    "piece": "items",
    "pair": "items",
    "kit": "items",
}


def capacity(delivery: Delivery, unit: str) -> Decimal | None:
    """How much of `unit` the delivery holds (None: none, or not known)."""
    if delivery.amount is not None and unit == delivery.currency:
        return delivery.amount
    if delivery.usd is not None and unit == "USD":
        return delivery.usd
    quantities = [
        entry.quantity
        for entry in delivery.items.select_related("item")
        if COMMITMENT_UNITS.get(entry.item.unit) == unit and entry.quantity is not None
    ]
    return Decimal(sum(quantities)) if quantities else None


def _benefits(commitment: Commitment, delivery: Delivery) -> bool:
    """The delivery's recipient is among the commitment's beneficiaries (a commitment naming
    only a group in words takes any recipient)."""
    countries = commitment.beneficiary_countries.all()
    organisations = commitment.beneficiary_organisations.all()
    members_of = commitment.beneficiary_members_of.all()
    if not (countries.exists() or organisations.exists() or members_of.exists()):
        return True
    if delivery.recipient_organisation_id is not None:
        return organisations.filter(pk=delivery.recipient_organisation_id).exists()
    if delivery.recipient_country_id is None:
        return False
    return (
        countries.filter(pk=delivery.recipient_country_id).exists()
        or Country.objects.filter(
            pk=delivery.recipient_country_id, memberships__in=members_of
        ).exists()
    )


@transaction.atomic
def link_delivery(
    delivery: Delivery, commitment: Commitment, quantity: Decimal, note: str = ""
) -> CommitmentLink:
    """Count `quantity` (in the commitment's unit) of the delivery towards the commitment."""
    # One delivery's links are checked together: lock it so that two links cannot both pass.
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    problems: dict[str, list[str]] = {}
    if delivery.modality == Modality.COMMERCIAL:
        problems["delivery"] = [_("A commercial sale is not aid and fulfils no commitment.")]
    if quantity <= 0:
        problems["quantity"] = [_("A quantity is above zero.")]
    if not _benefits(commitment, delivery):
        problems["commitment"] = [
            _("The delivery's recipient is not among the commitment's beneficiaries.")
        ]
    held = capacity(delivery, commitment.unit) if commitment.unit else None
    if commitment.unit and held is None:
        problems.setdefault("quantity", []).append(
            _("The delivery records no quantity in %(unit)s, the commitment's unit.")
            % {"unit": commitment.unit}
        )
    elif held is not None:
        others = (
            CommitmentLink.objects.filter(delivery=delivery, commitment__unit=commitment.unit)
            .exclude(commitment=commitment)
            .aggregate(total=Sum("quantity"))["total"]
            or 0
        )
        if quantity + others > held:
            problems.setdefault("quantity", []).append(
                _(
                    "The delivery holds %(held)s; %(linked)s of it already counts towards other"
                    " commitments, so at most %(left)s can count towards this one."
                )
                % {"held": f"{held:,f}", "linked": f"{others:,f}", "left": f"{held - others:,f}"}
            )
    if problems:
        raise ValidationError(problems)
    link, _created = CommitmentLink.objects.update_or_create(
        delivery=delivery, commitment=commitment, defaults={"quantity": quantity, "note": note}
    )
    return link


def delivery_evidence(commitments: Sequence[Commitment]) -> Mapping[int, list[Evidence]]:
    """The evidence provider registered with the commitments app: each public aid delivery
    linked to a commitment, delivered (not only pledged), with the linked quantity."""
    counted = queries.delivered(queries.aid(queries.visible_to(None)))
    links = (
        CommitmentLink.objects.filter(
            commitment__in=[c.pk for c in commitments], delivery__in=counted
        )
        .select_related("delivery")
        .prefetch_related("delivery__sources")
    )
    found: dict[int, list[Evidence]] = {}
    for link in links:
        delivery = link.delivery
        cited = next(iter(delivery.sources.all()), None)
        found.setdefault(link.commitment_id, []).append(
            Evidence(
                key=f"delivery:{delivery.pk}",
                on=delivery.latest,
                amount=link.quantity,
                source=(
                    _("Delivery %(ref)s (%(citation)s)")
                    % {"ref": delivery.ref, "citation": cited.citation}
                    if cited
                    else _("Delivery %(ref)s") % {"ref": delivery.ref}
                ),
                url=delivery.get_absolute_url(),
            )
        )
    return found


def links_of(delivery: Delivery) -> list[CommitmentLink]:
    return list(delivery.commitment_links.select_related("commitment"))


def linked_deliveries(commitment: Any) -> list[CommitmentLink]:
    return list(
        CommitmentLink.objects.filter(
            commitment=commitment, delivery__in=queries.visible_to(None)
        ).select_related("delivery__recipient_country", "delivery__recipient_organisation")
    )
