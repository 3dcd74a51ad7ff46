"""Reads of durable solutions and what follows them, scoped at the query by case visibility."""

from datetime import date, datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from apps.accounts.models import User
from apps.age.selectors import latest_possible_birth_date
from apps.cases import vault
from apps.cases.models import Case, CaseTransition, Child
from apps.cases.reading import sealed_text_for
from apps.cases.sections import record_section
from apps.cases.selectors import case_visibility
from apps.core.crypto import KeyUnavailable
from apps.solutions.models import (
    DurableSolution,
    FollowUpVisit,
    ReintegrationPlan,
    ReintegrationService,
    SolutionStatus,
    TransitionPlan,
    VisitOutcome,
)

M = TypeVar("M", bound=models.Model)

# The age at which any authority may treat the young person as an adult (R9).
AGE_OF_MAJORITY = 18


# --- For the services, the guards and other apps ---------------------------------------------
def last_reopened_at(*, case: Case, at: datetime) -> datetime | None:
    """When the case was last reopened by `at`: what came before belongs to an earlier round."""
    return (
        CaseTransition.objects.filter(case=case, name="reopen", at__lte=at)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def solutions_of_this_round(*, case: Case, at: datetime) -> QuerySet[DurableSolution]:
    """The case's solutions planned since it was last reopened (or ever)."""
    solutions = DurableSolution.objects.filter(case=case, planned_at__lte=at)
    reopened = last_reopened_at(case=case, at=at)
    return solutions if reopened is None else solutions.filter(planned_at__gte=reopened)


def decided_solution(*, case: Case, at: datetime) -> DurableSolution | None:
    """The solution decided (and perhaps implemented) in this round, if any."""
    return (
        solutions_of_this_round(case=case, at=at)
        .filter(status__in=[SolutionStatus.DECIDED, SolutionStatus.IMPLEMENTED], decided_at__lte=at)
        .order_by("-decided_at")
        .first()
    )


def implemented_solution(*, case: Case, at: datetime) -> DurableSolution | None:
    return (
        solutions_of_this_round(case=case, at=at)
        .filter(status=SolutionStatus.IMPLEMENTED, implemented_at__lte=at)
        .order_by("-implemented_at")
        .first()
    )


def visit_done() -> Q:
    """A visit that saw the child; "could not be reached" is not one."""
    return Q(visited_at__isnull=False) & ~Q(outcome=VisitOutcome.NOT_REACHED)


def outstanding_follow_ups(*, case: Case) -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(case=case).exclude(visit_done()).order_by("due_at")


def birth_date_that_counts(*, child: Child, at: datetime) -> date | None:
    """R9 goes by the latest possible birth date (R2); failing any age record, the birth date
    registered with the child, so that no young person is left without a reminder."""
    latest = latest_possible_birth_date(child=child, at=at)
    if latest is not None:
        return latest
    try:
        key = vault.data_key(child)
    except KeyUnavailable:
        return None
    registered = vault.open_sealed(child, key, Child, "birth_date", child.birth_date)
    return date.fromisoformat(registered) if registered else None


def coming_of_age(*, child: Child, at: datetime) -> date | None:
    """The earliest day any authority would treat the young person as an adult."""
    born = birth_date_that_counts(child=child, at=at)
    if born is None:
        return None
    try:
        return born.replace(year=born.year + AGE_OF_MAJORITY)
    except ValueError:  # born on 29 February: of age on 1 March of a common year
        return date(born.year + AGE_OF_MAJORITY, 3, 1)


def has_come_of_age(*, child: Child, at: datetime) -> bool:
    day = coming_of_age(child=child, at=at)
    return day is not None and at.date() >= day


# --- Scoped lists ------------------------------------------------------------------------------
def _visible_cases(actor: User, model: type[models.Model]) -> QuerySet[Case, Any]:
    """The cases whose `model` records the actor reads: the holders' all, a partner's those whose
    referral shares the record's section."""
    return Case.objects.filter(case_visibility(actor=actor, section=record_section(model))).values("pk")


def solution_list(*, actor: User) -> QuerySet[DurableSolution]:
    return DurableSolution.objects.filter(case__in=_visible_cases(actor, DurableSolution)).select_related(
        "case", "relative"
    )


def reintegration_plan_list(*, actor: User) -> QuerySet[ReintegrationPlan]:
    return ReintegrationPlan.objects.filter(solution__case__in=_visible_cases(actor, ReintegrationPlan)).select_related(
        "solution__case", "receiving_agency"
    )


def reintegration_service_list(*, actor: User) -> QuerySet[ReintegrationService]:
    return ReintegrationService.objects.filter(
        plan__solution__case__in=_visible_cases(actor, ReintegrationService)
    ).select_related("plan__solution__case")


def follow_up_list(*, actor: User) -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(case__in=_visible_cases(actor, FollowUpVisit)).select_related(
        "case", "solution"
    )


def transition_plan_list(*, actor: User) -> QuerySet[TransitionPlan]:
    return TransitionPlan.objects.filter(case__in=_visible_cases(actor, TransitionPlan)).select_related("case")


def sealed_text(record: Any, column: str, *, case: Case, actor: User, channel: str) -> str | None:
    """A record of `case` in plain text for a person, the read logged; None once the child is anonymised.

    Callers got the record through a scoped selector.
    """
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=case)
