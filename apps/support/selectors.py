"""Reads of support records, scoped at the query."""

from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from apps.accounts.models import Membership, User
from apps.cases.models import Case
from apps.cases.reading import reach_beyond_the_case, sealed_text_for
from apps.cases.sections import record_section
from apps.cases.selectors import case_visibility
from apps.support.models import ACTIVE_STATUSES, CooperationRecord, OtherReasonApproval, SupportService


def _visible_cases(actor: User, model: type[models.Model]) -> "QuerySet[Case, Any]":
    """The cases whose `model` records the actor reads: the holders' all, a partner's those whose
    referral shares the record's section."""
    return Case.objects.filter(case_visibility(actor=actor, section=record_section(model))).values("pk")


def service_list(*, actor: User) -> QuerySet[SupportService]:
    """Services of the cases the actor sees, and those asked of an agency the actor works for
    (its staff see the request — the service and the case reference — not the case)."""
    if not actor.is_authenticated or not actor.is_active:
        return SupportService.objects.none()
    return SupportService.objects.filter(
        Q(case__in=_visible_cases(actor, SupportService)) | _asked_of_their_agency(actor)
    ).select_related("case", "provider")


def _asked_of_their_agency(actor: User) -> Q:
    return Q(provider__in=Membership.objects.active().filter(user=actor).values("agency"))


# A provider's staff read the request asked of their agency (the service and the case
# reference, never what the child needs): besides the case's visibility.
reach_beyond_the_case(SupportService, _asked_of_their_agency)


def service_list_for_case_staff(*, actor: User) -> QuerySet[SupportService]:
    """Only the services of cases the actor sees (their sealed notes may be opened)."""
    return SupportService.objects.filter(case__in=_visible_cases(actor, SupportService)).select_related(
        "case", "provider"
    )


def active_service_count(*, case: Case) -> int:
    """Services still requested or being provided: owed to the child."""
    return SupportService.objects.filter(case=case, status__in=ACTIVE_STATUSES).count()


def other_reason_list(*, actor: User) -> QuerySet[OtherReasonApproval]:
    """The "other" reasons asked for on services of cases the actor sees (not the provider's view)."""
    return OtherReasonApproval.objects.filter(
        service__case__in=_visible_cases(actor, OtherReasonApproval)
    ).select_related("service__case", "requested_by", "decided_by")


def cooperation_list(*, actor: User) -> QuerySet[CooperationRecord]:
    return CooperationRecord.objects.filter(case__in=_visible_cases(actor, CooperationRecord)).select_related(
        "case", "with_agency"
    )


def sealed_text(record: Any, column: str, *, actor: User, channel: str) -> str | None:
    """A support record's sealed value in plain text for a person, the read logged; None once the child is anonymised.

    Callers got the record through a scoped selector.
    """
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=record.case)
