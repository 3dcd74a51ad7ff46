"""The guards of R2, one small function each. They add to a Violations collector.

Other apps call `not_treated_as_adult` before any action that would treat a person as an
adult — through `adult_choice_guard` where the action is a choice declared in
`apps.age.registry`. Nothing here ever stands in the way of urgent protection (the first rule).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.age.models import (
    APPEARANCE_GROUNDS,
    MEDICAL_METHODS,
    AgeAssessment,
    AssessmentMethod,
    MethodKind,
    MethodOutcome,
)
from apps.age.registry import adult_choice
from apps.age.selectors import presumption
from apps.cases.models import Case
from apps.core.rules import Violations
from apps.guardianship.models import DecisionKind, GuardianAppointment
from apps.guardianship.rules import guardian_opinion_recorded, guardian_present
from apps.voice.models import ViewsDecision
from apps.voice.rules import child_views_recorded

# Never part of a Haven assessment, whatever it is called.
PROHIBITED_METHODS = frozenset({"genital_examination", "nude_examination", "sexual_maturity_examination"})

AN_AGE_ASSESSMENT = _("an age assessment")
APPROVING_THE_CONCLUSION = _("approving the age-assessment conclusion")


@dataclass(frozen=True)
class Consent:
    """The child's informed consent to the assessment, as recorded."""

    given: bool
    language: str
    explanation: str  # what the child was told the assessment involves
    told_no_penalty: bool  # that refusing carries no penalty

    def missing(self) -> list[str]:
        gaps = []
        if not self.given:
            gaps.append("consent")
        if not self.language.strip():
            gaps.append("language")
        if not self.explanation.strip():
            gaps.append("explanation")
        if not self.told_no_penalty:
            gaps.append("no penalty")
        return gaps


@dataclass(frozen=True)
class Professional:
    name: str
    discipline: str


def not_treated_as_adult(
    found: Violations, *, case: Case, action: str | Promise, at: datetime, urgent: bool = False
) -> None:
    """PRESUMED_MINOR while the person is treated as a child: `action` would treat them as an adult.

    The refusal says why a conclusion does not count yet (appeal period running, appeal
    pending) or that another authority's decision does not settle the age. An urgent
    protective action is never refused: the caller passes `urgent=True`, records the reason
    and has it reviewed afterwards.
    """
    if urgent:
        return
    answer = presumption(child=case.child, at=at)
    if answer.treated_as_child:
        found.add("PRESUMED_MINOR", action=action)
        for code, facts in answer.reasons:
            found.add(code, **facts)


def adult_choice_guard(
    found: Violations, *, case: Case, model: str, field: str, value: object, at: datetime, urgent: bool = False
) -> None:
    """PRESUMED_MINOR when `value` is a choice declared in `apps.age.registry` as treating the
    person as an adult and they are still presumed a child; any other choice passes.

    The one line a service adds where it takes such a choice. `urgent` counts only for a
    choice declared as possibly urgent protection.
    """
    choice = adult_choice(model, field, value)
    if choice is not None:
        not_treated_as_adult(found, case=case, action=choice.action, at=at, urgent=urgent and choice.urgent)


def assessment_may_open(
    found: Violations,
    *,
    case: Case,
    at: datetime,
    last_resort_reason: str,
    overseer: GuardianAppointment | None,
    consent: Consent,
    professionals: Sequence[Professional],
    disability: bool,
    disability_adaptation: str,
) -> None:
    """Every opening condition of an age assessment, all missing ones at once (R1, R2, R6)."""
    guardian_present(found, case=case, action=str(AN_AGE_ASSESSMENT), at=at)
    found.check(bool(last_resort_reason.strip()), "AGE_ASSESSMENT_NOT_ALLOWED.NO_LAST_RESORT_REASON")
    found.check(overseer is not None, "AGE_ASSESSMENT_NOT_ALLOWED.NO_GUARDIAN")
    missing = consent.missing()
    found.check(not missing, "AGE_ASSESSMENT_NOT_ALLOWED.NO_INFORMED_CONSENT", missing=", ".join(missing))
    named = [p for p in professionals if p.name.strip()]
    found.check(
        len(named) >= 2 and len({p.discipline for p in named}) >= 2, "AGE_ASSESSMENT_NOT_ALLOWED.TOO_FEW_PROFESSIONALS"
    )
    found.check(
        not disability or bool(disability_adaptation.strip()), "AGE_ASSESSMENT_NOT_ALLOWED.NO_DISABILITY_ADAPTATION"
    )
    # R6: the child heard on the assessment (or why they could not be, and what was tried).
    child_views_recorded(found, case=case, decision=ViewsDecision.AGE_ASSESSMENT, at=at)


def method_allowed(
    found: Violations, *, kind: str, involves_undressing: bool, earlier: Iterable[AssessmentMethod]
) -> None:
    """Never a genital or nude examination; a medical method only after an inconclusive psycho-social one."""
    if kind in PROHIBITED_METHODS or involves_undressing:
        found.add("AGE_ASSESSMENT_NOT_ALLOWED.PROHIBITED_METHOD")
    if kind in MEDICAL_METHODS:
        psychosocial_inconclusive = any(
            m.kind == MethodKind.PSYCHOSOCIAL and m.outcome == MethodOutcome.INCONCLUSIVE for m in earlier
        )
        found.check(psychosocial_inconclusive, "AGE_ASSESSMENT_NOT_ALLOWED.MEDICAL_BEFORE_PSYCHOSOCIAL")


def result_allowed(
    found: Violations, *, grounds: Iterable[str], methods: Sequence[AssessmentMethod], finds_adult: bool
) -> None:
    """A range of ages rests on a conclusive method, never on appearance or demeanour alone;
    a refused medical examination never by itself leads to a finding of adulthood."""
    found.check(bool(set(grounds) - APPEARANCE_GROUNDS), "AGE_ASSESSMENT_NOT_ALLOWED.APPEARANCE_ALONE")
    conclusive = any(m.outcome == MethodOutcome.CONCLUSIVE for m in methods)
    found.check(conclusive, "AGE_ASSESSMENT_NOT_ALLOWED.NO_CONCLUSIVE_METHOD")
    refused_medical = any(m.kind in MEDICAL_METHODS and m.outcome == MethodOutcome.REFUSED for m in methods)
    if finds_adult and refused_medical and not conclusive:
        found.add("PRESUMED_MINOR.MEDICAL_REFUSAL")


def conclusion_may_be_approved(
    found: Violations, *, assessment: AgeAssessment, appeal_information: str, at: datetime
) -> None:
    """The guardian still present and their opinion on file; the decision tells the child how to appeal."""
    case = assessment.case
    guardian_present(found, case=case, action=str(APPROVING_THE_CONCLUSION), at=at)
    guardian_opinion_recorded(
        found,
        case=case,
        decision=DecisionKind.AGE_ASSESSMENT,
        subject=str(assessment.pk),
        action=str(APPROVING_THE_CONCLUSION),
        at=at,
    )
    found.check(bool(appeal_information.strip()), "AGE_ASSESSMENT_NOT_ALLOWED.NO_APPEAL_INFORMATION")
