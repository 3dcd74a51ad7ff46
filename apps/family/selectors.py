"""Reads of the family records: what other apps ask (a BID, a return, a release), and the
lists the admin shows, scoped at the query by the case visibility condition."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.cases.models import Case
from apps.cases.reading import visible_records
from apps.family.models import (
    FamilyAssessment,
    Relative,
    RiskSecurityAssessment,
    TracingConsent,
    TracingNotDone,
    TracingRequest,
)

M = TypeVar("M", bound=models.Model)


# --- For other apps ---------------------------------------------------------------------------
def current_security_assessment(*, case: Case, country: str, at: datetime) -> RiskSecurityAssessment | None:
    """The latest risk and security assessment completed by `at` for a move to `country`,
    whatever its expiry: the caller compares `expires_at` with `at` to tell "expired" from
    "missing"."""
    return (
        RiskSecurityAssessment.objects.filter(case=case, country=country.strip().upper(), completed_at__lte=at)
        .order_by("-completed_at", "-pk")
        .first()
    )


def family_assessment_for(*, relative: Relative, at: datetime) -> FamilyAssessment | None:
    """The latest family assessment of this relative completed by `at`."""
    return (
        FamilyAssessment.objects.filter(relative=relative, completed_at__lte=at)
        .order_by("-completed_at", "-pk")
        .first()
    )


def standing_not_done(*, case: Case, at: datetime) -> QuerySet[TracingNotDone]:
    """Reasons recorded by `at` why the family is not traced, and not withdrawn by then."""
    return TracingNotDone.objects.filter(case=case, decided_at__lte=at).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
    )


@dataclass(frozen=True)
class TracingOutcome:
    """Where family tracing stands, as a best-interests determination cites it (R7).

    `done`: tracing came back with results (found or not found), or a reason why it is not
    done is recorded (unsafe, the child refuses, a protection claim). The summary names
    channels, countries, statuses and dates only: never who was sought or what was found.
    """

    done: bool
    summary: str
    with_results: tuple[TracingRequest, ...] = field(default=())
    open_requests: tuple[TracingRequest, ...] = field(default=())
    not_done: tuple[TracingNotDone, ...] = field(default=())


def tracing_outcome(*, case: Case, at: datetime) -> TracingOutcome:
    requests = list(TracingRequest.objects.filter(case=case, sent_at__lte=at).order_by("sent_at", "pk"))
    with_results = tuple(r for r in requests if r.result_at is not None and r.result_at <= at)
    still_open = tuple(r for r in requests if r.result_at is None or r.result_at > at)
    still_open = tuple(r for r in still_open if r.closed_at is None or r.closed_at > at)
    reasons = tuple(standing_not_done(case=case, at=at).order_by("decided_at", "pk"))
    lines: list[str] = []
    for request in with_results:
        lines.append(
            f"Tracing via {request.get_via_display()} in {request.country}, sent {request.sent_at:%Y-%m-%d}: "
            f"{request.get_status_display()}, results on {request.result_at:%Y-%m-%d}."
        )
    for reason in reasons:
        lines.append(f"Tracing not done since {reason.decided_at:%Y-%m-%d}: {reason.get_reason_display()}.")
    for request in still_open:
        lines.append(
            f"Tracing via {request.get_via_display()} in {request.country}, sent {request.sent_at:%Y-%m-%d}: "
            "no results yet."
        )
    if not lines:
        lines.append("No family tracing requested, and no reason recorded why it is not done.")
    return TracingOutcome(
        done=bool(with_results or reasons),
        summary=" ".join(lines),
        with_results=with_results,
        open_requests=still_open,
        not_done=reasons,
    )


# --- Lists for the admin and pages -------------------------------------------------------------
def _of_visible_cases(queryset: QuerySet[M], actor: User) -> QuerySet[M]:
    # The holders see every record; a partner those of the sections its referral shares.
    return visible_records(queryset, actor=actor)


def relative_list(*, actor: User) -> QuerySet[Relative]:
    return _of_visible_cases(Relative.objects.select_related("case"), actor)


def family_assessment_list(*, actor: User) -> QuerySet[FamilyAssessment]:
    return _of_visible_cases(FamilyAssessment.objects.select_related("case", "relative", "completed_by"), actor)


def security_assessment_list(*, actor: User) -> QuerySet[RiskSecurityAssessment]:
    return _of_visible_cases(RiskSecurityAssessment.objects.select_related("case", "relative", "completed_by"), actor)


def tracing_request_list(*, actor: User) -> QuerySet[TracingRequest]:
    return _of_visible_cases(TracingRequest.objects.select_related("case", "relative", "counterpart"), actor)


def tracing_consent_list(*, actor: User) -> QuerySet[TracingConsent]:
    return _of_visible_cases(TracingConsent.objects.select_related("case", "guardian", "recorded_by"), actor)


def tracing_not_done_list(*, actor: User) -> QuerySet[TracingNotDone]:
    return _of_visible_cases(TracingNotDone.objects.select_related("case", "decided_by"), actor)
