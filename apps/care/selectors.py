"""Reads of care records, scoped at the query by the case visibility condition."""

from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.audit.services import record_access_log
from apps.care.models import Charge, ChildTie, HeldEvent, MissingReport, Placement, UrgentAction
from apps.cases.models import Case
from apps.cases.reading import SealedReader, sealed_text_for, visible_records
from apps.cases.selectors import child_list

M = TypeVar("M", bound=models.Model)


def current_placements(*, case: Case, at: datetime) -> list[Placement]:
    return list(
        Placement.objects.filter(case=case, starts_at__lte=at)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=at))
        .select_related("provider")
    )


def care_provider_agency_ids(*, case: Case, at: datetime) -> set[int]:
    """Agencies caring for the child now: their staff are not independent guardians (R1)."""
    return {p.provider_id for p in current_placements(case=case, at=at) if p.provider_id is not None}


def _of_visible_cases(queryset: QuerySet[M], actor: User) -> QuerySet[M]:
    # The holders see every record; a partner those of the sections its referral shares.
    return visible_records(queryset, actor=actor)


def placement_list(*, actor: User) -> QuerySet[Placement]:
    return _of_visible_cases(Placement.objects.select_related("case", "provider"), actor)


def urgent_action_list(*, actor: User) -> QuerySet[UrgentAction]:
    return _of_visible_cases(UrgentAction.objects.select_related("case", "taken_by"), actor)


def held_event_list(*, actor: User) -> QuerySet[HeldEvent]:
    return _of_visible_cases(HeldEvent.objects.select_related("case", "held_by_agency"), actor)


def missing_report_list(*, actor: User) -> QuerySet[MissingReport]:
    return _of_visible_cases(MissingReport.objects.select_related("case", "police_agency"), actor)


def charge_list(*, actor: User) -> QuerySet[Charge]:
    return _of_visible_cases(Charge.objects.select_related("case", "authority"), actor)


def child_tie_list(*, actor: User) -> QuerySet[ChildTie]:
    """Ties of children the actor may see (the other child is named by its public id only)."""
    visible = child_list(actor=actor).values("pk")
    return ChildTie.objects.filter(Q(child__in=visible) | Q(tied_to__in=visible)).select_related("child", "tied_to")


def sealed_text(record: Any, column: str, *, actor: User, channel: str) -> str | None:
    """A care record's sealed value in plain text for a person, the read logged; None once the child is anonymised.

    Callers got the record through a scoped selector.
    """
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=record.case)


def placement_address(*, actor: User, placement_id: int, channel: str) -> str | None:
    """The placement's address for someone who may see the case (its guardian included), the
    read logged; otherwise 404, the denial logged too."""
    placement = placement_list(actor=actor).select_related("case__child").filter(pk=placement_id).first()
    if placement is None:
        existing = Placement.objects.filter(pk=placement_id).select_related("case").first()
        record_access_log(
            actor=actor, case=existing.case if existing else None, action="placement_address", channel=channel,
            allowed=False,
        )  # fmt: skip
        raise Http404
    return SealedReader(actor=actor, channel=channel, action="placement_address").text(
        placement, "address", case=placement.case
    )
