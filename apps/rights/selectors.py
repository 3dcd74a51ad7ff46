"""Reads of the child's status and rights, scoped at the query by the case visibility condition.

`protection_status` is the one answer other apps ask (R4 return, R8 sharing with the country
of origin): it reads the claims' history and the findings as they stood at `at`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.cases.models import Case
from apps.cases.reading import sealed_text_for, visible_records
from apps.cases.selectors import case_visibility
from apps.rights.models import (
    ClaimStatus,
    CompensationClaim,
    CriminalProceeding,
    IdentificationChange,
    NonRefoulementFinding,
    ProceedingInterview,
    ProceedingRepresentative,
    ProtectionClaim,
    ProtectionClaimStatusChange,
    ReflectionPeriodChange,
    ResidencePermit,
    SpecialMeasureRequest,
)

M = TypeVar("M", bound=models.Model)

# Not finally decided: the claim (or an appeal against its refusal) is still open.
OPEN_CLAIM_STATUSES = frozenset({ClaimStatus.PENDING, ClaimStatus.APPEAL_PENDING})


@dataclass(frozen=True)
class ProtectionStatus:
    asylum_pending: (
        bool  # an asylum or international-protection claim lodged and not finally decided (appeals included)
    )
    refugee_status: bool  # refugee status held (granted, not ceased or revoked)
    serious_harm_found: bool  # a recorded finding of a real risk of serious harm on return (non-refoulement)

    @property
    def any(self) -> bool:
        return self.asylum_pending or self.refugee_status or self.serious_harm_found


def _status_at(changes: list[ProtectionClaimStatusChange], on: Any) -> ProtectionClaimStatusChange | None:
    """The claim's latest change on or before `on` (changes come ordered by date, then pk)."""
    latest = None
    for change in changes:
        if change.on <= on:
            latest = change
    return latest


def protection_status(*, case: Case, at: datetime) -> ProtectionStatus:
    """What the child's protection claims and non-refoulement findings say at `at`.

    - asylum_pending: a claim lodged by then whose latest status is pending or appeal pending,
      or refused with its appeal period still running (a refusal is not final until then);
    - refugee_status: the latest status of an asylum claim is refugee status granted;
    - serious_harm_found: a non-refoulement finding made by then and not set aside by then,
      or subsidiary protection granted — which is itself a finding of a real risk of serious
      harm on return.
    Reads three small queries; safe to call from other apps' rules.
    """
    on = at.date()
    pending = refugee = harm = False
    changes: dict[int, list[ProtectionClaimStatusChange]] = {}
    for change in ProtectionClaimStatusChange.objects.filter(claim__case=case, on__lte=on).order_by("on", "pk"):
        changes.setdefault(change.claim_id, []).append(change)
    for claim in ProtectionClaim.objects.filter(case=case, lodged_on__lte=on):
        latest = _status_at(changes.get(claim.pk, []), on)
        # A claim lodged with no recorded change yet is pending.
        status = latest.status if latest is not None else ClaimStatus.PENDING
        # A refusal that may still be appealed (through its last day) is not final yet.
        appeal_until = latest.appeal_until if latest is not None else None
        appealable = status == ClaimStatus.REFUSED and appeal_until is not None and appeal_until >= on
        if status in OPEN_CLAIM_STATUSES or appealable:
            pending = True
        elif status == ClaimStatus.REFUGEE_STATUS_GRANTED:
            refugee = True
        elif status == ClaimStatus.SUBSIDIARY_PROTECTION_GRANTED:
            harm = True
    if not harm:
        harm = (
            NonRefoulementFinding.objects.filter(case=case, found_on__lte=on)
            .filter(Q(set_aside_on__isnull=True) | Q(set_aside_on__gt=on))
            .exists()
        )
    return ProtectionStatus(asylum_pending=pending, refugee_status=refugee, serious_harm_found=harm)


def interview_count(*, case: Case, until: datetime | None = None) -> int:
    """How many times the child has been interviewed in any proceedings (up to `until`)."""
    interviews = ProceedingInterview.objects.filter(proceeding__case=case)
    if until is not None:
        interviews = interviews.filter(held_at__lte=until)
    return interviews.count()


# --- Scoped lists ------------------------------------------------------------------------
def _visible_cases(actor: User) -> QuerySet[Case, Any]:
    return Case.objects.filter(case_visibility(actor=actor)).values("pk")


def _of_visible_cases(queryset: QuerySet[M], actor: User, path: str = "case") -> QuerySet[M]:
    # The holders see every record; a partner those of the sections its referral shares.
    return visible_records(queryset, actor=actor)


def identification_change_list(*, actor: User) -> QuerySet[IdentificationChange]:
    return _of_visible_cases(IdentificationChange.objects.select_related("case", "authority", "recorded_by"), actor)


def reflection_period_change_list(*, actor: User) -> QuerySet[ReflectionPeriodChange]:
    return _of_visible_cases(ReflectionPeriodChange.objects.select_related("case", "recorded_by"), actor)


def residence_permit_list(*, actor: User) -> QuerySet[ResidencePermit]:
    return _of_visible_cases(ResidencePermit.objects.select_related("case"), actor)


def protection_claim_list(*, actor: User) -> QuerySet[ProtectionClaim]:
    return _of_visible_cases(ProtectionClaim.objects.select_related("case"), actor)


def protection_claim_status_change_list(*, actor: User) -> QuerySet[ProtectionClaimStatusChange]:
    return _of_visible_cases(
        ProtectionClaimStatusChange.objects.select_related("claim__case", "recorded_by"), actor, "claim__case"
    )


def non_refoulement_finding_list(*, actor: User) -> QuerySet[NonRefoulementFinding]:
    return _of_visible_cases(NonRefoulementFinding.objects.select_related("case"), actor)


def criminal_proceeding_list(*, actor: User) -> QuerySet[CriminalProceeding]:
    return _of_visible_cases(
        CriminalProceeding.objects.select_related("case", "prosecutor").annotate(
            interview_total=models.Count("interviews")
        ),
        actor,
    )


def interview_list(*, actor: User) -> QuerySet[ProceedingInterview]:
    return _of_visible_cases(ProceedingInterview.objects.select_related("proceeding__case"), actor, "proceeding__case")


def special_measure_request_list(*, actor: User) -> QuerySet[SpecialMeasureRequest]:
    return _of_visible_cases(
        SpecialMeasureRequest.objects.select_related("proceeding__case"), actor, "proceeding__case"
    )


def representative_list(*, actor: User) -> QuerySet[ProceedingRepresentative]:
    return _of_visible_cases(
        ProceedingRepresentative.objects.select_related("proceeding__case", "organisation"), actor, "proceeding__case"
    )


def compensation_claim_list(*, actor: User) -> QuerySet[CompensationClaim]:
    return _of_visible_cases(
        CompensationClaim.objects.select_related("case", "proceeding", "legal_aid_provider"), actor
    )


def sealed_text(record: Any, column: str, *, case: Case, actor: User, channel: str) -> str | None:
    """A record of `case` in plain text for a person, the read logged; None once the child is anonymised.

    Callers got the record through a scoped selector.
    """
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=case)
