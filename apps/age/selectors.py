"""Reads for age (R2): the presumption of minority, derived from the facts, and scoped lists.

"Treated as a child" is never stored. Only two things end the presumption: an identity
document showing adulthood that the person does not dispute and that is not flagged as
possibly false, or an approved assessment conclusion whose youngest possible age (latest
possible birth date) is 18 or more — and that one only once its appeal period has passed
with no appeal pending, or an appeal has upheld it. Claims, decisions of other authorities
and inconclusive results never end it. The child's own claim of a birth date by which they are
still a child disputes a document that shows adulthood, as much as saying so does: the
presumption continues until the person accepts the document (a "no longer disputes it" event,
a supervisor's step) or an approved assessment settles the age. Facts count from when they were recorded, so the
answer for a past moment is the one Haven gave then.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from apps.accounts.models import User
from apps.age.dates import is_adult_on
from apps.age.models import (
    AdultTreatment,
    AgeAppeal,
    AgeAssessment,
    AgeClaim,
    AssessmentMethod,
    AssessmentResult,
    AssessmentStatus,
    DocumentEvent,
    ExternalAgeDecision,
    IdentityDocument,
)
from apps.cases import vault
from apps.cases.models import Case, Child
from apps.cases.sections import record_section
from apps.cases.selectors import case_visibility
from apps.core.crypto import KeyUnavailable


class Standing(StrEnum):
    """Where an approved conclusion stands at a moment, as far as its appeals go."""

    PERIOD_RUNNING = "period_running"
    APPEAL_PENDING = "appeal_pending"
    UPHELD = "upheld"
    OVERTURNED = "overturned"
    PERIOD_PASSED = "period_passed"


# A conclusion counts for the presumption only in these.
COUNTS = frozenset({Standing.UPHELD, Standing.PERIOD_PASSED})


@dataclass(frozen=True)
class DocumentStatus:
    disputed: bool = False
    flagged: bool = False
    # When the person last said they no longer dispute it: a claim recorded after that reopens the dispute.
    accepted_at: datetime | None = None


@dataclass(frozen=True)
class Claimed:
    """A birth date the child gave, and when it was recorded."""

    born: date
    recorded_at: datetime


@dataclass(frozen=True)
class Presumption:
    """The answer, with what ended the presumption or, failing that, why a conclusion does not count yet."""

    treated_as_child: bool
    ended_by_documents: tuple[int, ...] = ()
    ended_by_assessments: tuple[int, ...] = ()
    # Refinements of PRESUMED_MINOR with their facts, for the refusal's messages.
    reasons: tuple[tuple[str, dict[str, Any]], ...] = field(default_factory=tuple)


def local_day(at: datetime, case: Case) -> date:
    """The calendar day `at` falls on where the case is held: ages change at local midnight."""
    return at.astimezone(ZoneInfo(case.owning_agency.time_zone)).date()


def opened_date(child: Child, key: bytes, model: type[models.Model], column: str, sealed: Any) -> date | None:
    value = vault.open_sealed(child, key, model, column, sealed)
    return date.fromisoformat(value) if value else None


def document_status(document: IdentityDocument, at: datetime) -> DocumentStatus:
    """Disputed and flagged as the events up to `at` leave them (events prefetched in order)."""
    disputed = flagged = False
    accepted_at: datetime | None = None
    for event in document.events.all():
        if event.at > at:
            break
        if event.kind in {DocumentEvent.Kind.FLAGGED, DocumentEvent.Kind.FLAG_WITHDRAWN}:
            flagged = event.kind == DocumentEvent.Kind.FLAGGED
        else:
            disputed = event.kind == DocumentEvent.Kind.DISPUTED
            accepted_at = event.at if not disputed else accepted_at
    return DocumentStatus(disputed=disputed, flagged=flagged, accepted_at=accepted_at)


def claims_made(child: Child, key: bytes, at: datetime) -> list[Claimed]:
    """The birth dates the child has given by `at`."""
    claims = AgeClaim.objects.filter(case__child=child, recorded_at__lte=at).order_by("recorded_at", "pk")
    found = []
    for claim in claims:
        born = opened_date(child, key, AgeClaim, "birth_date", claim.birth_date)
        if born is not None:
            found.append(Claimed(born=born, recorded_at=claim.recorded_at))
    return found


def contradicting_claims(status: DocumentStatus, claims: list[Claimed], *, younger_than: date) -> list[Claimed]:
    """The child's own claims of a birth date later than `younger_than` — a dispute of the
    document, whether or not anyone recorded one — that the person has not since given up
    (a "no longer disputes it" recorded after the claim settles it; a later claim reopens it)."""
    return [
        c
        for c in claims
        if c.born > younger_than and (status.accepted_at is None or c.recorded_at > status.accepted_at)
    ]


def conclusion_standing(assessment: AgeAssessment, at: datetime) -> Standing:
    """Pending while an appeal lodged by `at` is undecided then; else the latest decision; else the period."""
    appeals = [a for a in assessment.appeals.all() if a.lodged_at <= at]
    if any(a.decided_at is None or a.decided_at > at for a in appeals):
        return Standing.APPEAL_PENDING
    if appeals:
        last = max(appeals, key=lambda a: (a.decided_at or a.lodged_at, a.pk))
        return Standing(last.outcome)
    ends = assessment.appeal_period_ends_at
    return Standing.PERIOD_PASSED if ends is not None and at >= ends else Standing.PERIOD_RUNNING


def _documents(child: Child) -> QuerySet[IdentityDocument]:
    events = Prefetch("events", queryset=DocumentEvent.objects.order_by("at", "pk"))
    return (
        IdentityDocument.objects.filter(case__child=child)
        .select_related("case__owning_agency")
        .prefetch_related(events)
        .order_by("recorded_at", "pk")
    )


def _conclusions(child: Child) -> QuerySet[AgeAssessment]:
    """Approved conclusions with a range of ages, with their appeals."""
    return (
        AgeAssessment.objects.filter(case__child=child, status=AssessmentStatus.APPROVED, result=AssessmentResult.RANGE)
        .select_related("case__owning_agency")
        .prefetch_related(Prefetch("appeals", queryset=AgeAppeal.objects.order_by("lodged_at", "pk")))
        .order_by("approved_at", "pk")
    )


def _documents_ending(child: Child, key: bytes, at: datetime) -> tuple[list[int], list[tuple[str, dict[str, Any]]]]:
    """The documents that end the presumption at `at`, and why others that show adulthood do not."""
    documents: list[int] = []
    reasons: list[tuple[str, dict[str, Any]]] = []
    claims = claims_made(child, key, at)
    for document in _documents(child).filter(recorded_at__lte=at):
        status = document_status(document, at)
        if status.disputed or status.flagged:
            continue
        born = opened_date(child, key, IdentityDocument, "birth_date", document.birth_date)
        day = local_day(at, document.case)
        if born is None or not is_adult_on(born, day):
            continue
        # A claim by which the person is still a child disputes the document: the
        # presumption continues until they accept it or an assessment settles the age.
        disputing = [c for c in contradicting_claims(status, claims, younger_than=born) if not is_adult_on(c.born, day)]
        if disputing:
            reasons.append(("PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM", {"document": document.get_kind_display()}))
            continue
        documents.append(document.pk)
    return documents, reasons


def presumption(*, child: Child, at: datetime) -> Presumption:
    """Whether the person is treated as a child at `at`, and why (R2)."""
    try:
        key = vault.data_key(child)
    except KeyUnavailable:
        # Anonymised: nothing that could show adulthood can be read any more.
        return Presumption(treated_as_child=True)
    documents, reasons = _documents_ending(child, key, at)
    assessments: list[int] = []
    for assessment in _conclusions(child).filter(approved_at__lte=at):
        latest = opened_date(child, key, AgeAssessment, "latest_birth_date", assessment.latest_birth_date)
        if latest is None or not is_adult_on(latest, local_day(at, assessment.case)):
            continue
        standing = conclusion_standing(assessment, at)
        if standing in COUNTS:
            assessments.append(assessment.pk)
        elif standing == Standing.APPEAL_PENDING:
            reasons.append(("PRESUMED_MINOR.APPEAL_PENDING", {"assessment": assessment.pk}))
        elif standing == Standing.PERIOD_RUNNING and assessment.appeal_period_ends_at is not None:
            until = local_day(assessment.appeal_period_ends_at, assessment.case)
            reasons.append(("PRESUMED_MINOR.APPEAL_PERIOD_RUNNING", {"until": until.isoformat()}))
    if documents or assessments:
        return Presumption(
            treated_as_child=False, ended_by_documents=tuple(documents), ended_by_assessments=tuple(assessments)
        )
    external = ExternalAgeDecision.objects.filter(case__child=child, recorded_at__lte=at).select_related(
        "case__owning_agency"
    )
    for decision in external:
        latest = opened_date(child, key, ExternalAgeDecision, "latest_birth_date", decision.latest_birth_date)
        if latest is not None and is_adult_on(latest, local_day(at, decision.case)):
            reasons.append(("PRESUMED_MINOR.EXTERNAL_DECISION", {"authority": decision.authority}))
            break
    return Presumption(treated_as_child=True, reasons=tuple(reasons))


def is_treated_as_child(*, child: Child, at: datetime) -> bool:
    """R2: treated as a child, with every protection, until the facts end the presumption."""
    return presumption(child=child, at=at).treated_as_child


def latest_possible_birth_date(*, child: Child, at: datetime | None = None) -> date | None:
    """The birth date that counts (the youngest age), for R9's planning.

    The latest of the birth dates that settling facts allow: approved assessment
    conclusions not overturned on appeal (their latest possible birth date) and identity
    documents neither disputed nor flagged. Failing those, the latest the child has claimed.
    Decisions of other authorities never settle the age by themselves and are not used.
    None when nothing is recorded (or the child was anonymised).
    """
    moment = at or timezone.now()
    try:
        key = vault.data_key(child)
    except KeyUnavailable:
        return None
    settled: list[date] = []
    for assessment in _conclusions(child).filter(approved_at__lte=moment):
        if conclusion_standing(assessment, moment) != Standing.OVERTURNED:
            latest = opened_date(child, key, AgeAssessment, "latest_birth_date", assessment.latest_birth_date)
            settled += [latest] if latest else []
    claims = claims_made(child, key, moment)
    for document in _documents(child).filter(recorded_at__lte=moment):
        status = document_status(document, moment)
        if not (status.disputed or status.flagged):
            born = opened_date(child, key, IdentityDocument, "birth_date", document.birth_date)
            # A document the child's own claim makes them younger than is disputed: it settles nothing.
            if born is not None and not contradicting_claims(status, claims, younger_than=born):
                settled.append(born)
    if settled:
        return max(settled)
    return max((c.born for c in claims), default=None)


# --- Scoped lists: only records of cases the actor may see ------------------------------------
def _visible_case_ids(actor: User, model: type[models.Model]) -> QuerySet[Case, Any]:
    """The cases whose `model` records the actor reads: the holders' all, a partner's those whose
    referral shares the record's section."""
    return Case.objects.filter(case_visibility(actor=actor, section=record_section(model))).values("pk")


def identity_document_list(*, actor: User) -> QuerySet[IdentityDocument]:
    return IdentityDocument.objects.filter(case__in=_visible_case_ids(actor, IdentityDocument)).select_related("case")


def document_event_list(*, actor: User) -> QuerySet[DocumentEvent]:
    return DocumentEvent.objects.filter(document__case__in=_visible_case_ids(actor, DocumentEvent)).select_related("by")


def age_claim_list(*, actor: User) -> QuerySet[AgeClaim]:
    return AgeClaim.objects.filter(case__in=_visible_case_ids(actor, AgeClaim)).select_related("case")


def external_decision_list(*, actor: User) -> QuerySet[ExternalAgeDecision]:
    return ExternalAgeDecision.objects.filter(case__in=_visible_case_ids(actor, ExternalAgeDecision)).select_related(
        "case"
    )


def assessment_list(*, actor: User) -> QuerySet[AgeAssessment]:
    return AgeAssessment.objects.filter(case__in=_visible_case_ids(actor, AgeAssessment)).select_related("case")


def assessment_method_list(*, actor: User) -> QuerySet[AssessmentMethod]:
    return AssessmentMethod.objects.filter(
        assessment__case__in=_visible_case_ids(actor, AssessmentMethod)
    ).select_related("assessment__case")


def appeal_list(*, actor: User) -> QuerySet[AgeAppeal]:
    return AgeAppeal.objects.filter(assessment__case__in=_visible_case_ids(actor, AgeAppeal)).select_related(
        "assessment__case"
    )


def adult_treatment_list(*, actor: User) -> QuerySet[AdultTreatment]:
    return AdultTreatment.objects.filter(case__in=_visible_case_ids(actor, AdultTreatment)).select_related("case")
