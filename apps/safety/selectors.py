"""Reads of risk assessments and safety plans, scoped at the query; and when a re-assessment is due."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.cases.models import Case
from apps.cases.reading import sealed_text_for
from apps.cases.sections import record_section
from apps.cases.selectors import case_visibility
from apps.safety.models import RiskAssessment, RiskLevel, SafetyPlan


def reassessment_interval(level: str) -> timedelta:
    """How long an assessment at `level` stands (HAVEN_RISK_REASSESSMENT_DAYS_<LEVEL>, read now)."""
    return timedelta(days=getattr(settings, f"HAVEN_RISK_REASSESSMENT_DAYS_{RiskLevel(level).name}"))


def reassessment_due_at(assessment: RiskAssessment, *, case_level: str) -> datetime:
    """When the case must be assessed again: by the assessment's own level, or by the case's level
    now if that asks sooner — whichever comes first, counted from the assessment.

    The case's level can rise without a new assessment (a missing-from-care report raises it to
    critical). The assessment on file then no longer describes the child's situation, so the
    stricter clock applies from the day it was made: a critical case whose last assessment is
    older than the critical interval is overdue at once and is re-assessed now.
    """
    return min(assessment.next_due_at, assessment.assessed_at + reassessment_interval(case_level))


def _of_visible_cases(actor: User, model: type[models.Model]) -> "QuerySet[Case, Any]":
    """The cases whose `model` records the actor reads: the holders' all, a partner's those whose
    referral shares the record's section."""
    return Case.objects.filter(case_visibility(actor=actor, section=record_section(model))).values("pk")


def risk_assessment_list(*, actor: User) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.filter(case__in=_of_visible_cases(actor, RiskAssessment)).select_related(
        "case", "assessed_by"
    )


def current_risk_assessment(*, case: Case) -> RiskAssessment | None:
    return RiskAssessment.objects.filter(case=case, superseded_at__isnull=True).first()


def safety_plan_list(*, actor: User) -> QuerySet[SafetyPlan]:
    return SafetyPlan.objects.filter(case__in=_of_visible_cases(actor, SafetyPlan)).select_related(
        "case", "recorded_by"
    )


def current_safety_plan(*, case: Case) -> SafetyPlan | None:
    return SafetyPlan.objects.filter(case=case, superseded_at__isnull=True).first()


def sealed_text(record: Any, column: str, *, actor: User, channel: str) -> str | None:
    """A safety record's sealed value in plain text for a person, the read logged; None once the child is anonymised.

    Callers got the record through a scoped selector.
    """
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=record.case)
