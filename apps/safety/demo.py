"""Fictional risk assessments and safety plans for the demo cases, made only through the services.

Every person, place and number here is invented. Needs the demo accounts and cases; run after
seed_care (care's missing-from-care report raises a case's risk, and the assessments here
are recorded on the cases' versions as they then are). Running it again creates nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.alerts.models import Alert, AlertKind
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.safety import services
from apps.safety.models import RiskAssessment, RiskFactor, RiskLevel, SafetyPlan


@dataclass(frozen=True)
class DemoSafety:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    assessments: int
    plans: int
    overdue_alerts: int

    def describe(self) -> str:
        return (
            f"Demo safety ready ({self.created} new): {self.assessments} risk assessments, {self.plans} safety plan "
            f"versions, {self.overdue_alerts} re-assessment alerts."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _worker(case: Case) -> User:
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return User.objects.get(email=f"{STAFF[case.owning_agency.name].supervisor}@{DEMO_DOMAIN}")


def _assess(case: Case, *, level: str, factors: list[str], narrative: str, at: datetime) -> None:
    fresh = Case.objects.get(pk=case.pk)
    services.risk_assessment_record(actor=_worker(case), case=fresh, expected_version=fresh.version, level=level,
                                    factors=factors, narrative=narrative, assessed_at=at, at=at)  # fmt: skip


@transaction.atomic
def seed_safety(*, now: datetime | None = None) -> DemoSafety:
    """Two assessments and two safety-plan versions for one boy, an overdue re-assessment for a
    girl (and its alert to her caseworker), and a plan about online accounts for another girl."""
    now = now or timezone.now()
    created = 0

    muhammad = _case("ALV-02")
    if not RiskAssessment.objects.filter(case=muhammad).exists():
        _assess(muhammad, level=RiskLevel.HIGH, at=now - timedelta(days=60),
                factors=[RiskFactor.DEBT_BONDAGE, RiskFactor.PEERS_STILL_EXPLOITED],
                narrative="Believes he still owes the men who brought him; other boys from the storage unit are "
                "still with them.")  # fmt: skip
        _assess(muhammad, level=RiskLevel.HIGH, at=now - timedelta(days=12),
                factors=[RiskFactor.DEBT_BONDAGE, RiskFactor.CONTACT_ATTEMPTS, RiskFactor.PEERS_STILL_EXPLOITED],
                narrative="A message reached him through another boy at the home: 'the debt is waiting'.")  # fmt: skip
        created += 2
    if not SafetyPlan.objects.filter(case=muhammad).exists():
        worker = _worker(muhammad)
        services.safety_plan_record(
            actor=worker, case=muhammad, at=now - timedelta(days=58), review_on=(now - timedelta(days=28)).date(),
            who_to_call="Key worker at Casa Aurora (0800 000 111); emergency 112.",
            safe_routes="Driven to school by Casa Aurora staff; never through the bus station.",
        )  # fmt: skip
        services.safety_plan_record(
            actor=worker, case=muhammad, at=now - timedelta(days=11), review_on=(now + timedelta(days=19)).date(),
            who_to_call="Key worker at Casa Aurora (0800 000 111); his guardian; emergency 112.",
            trafficker_contact="Messages through other boys: he tells his key worker; staff check the visitors' list.",
            phones_and_accounts="New phone number; old messaging account closed with his agreement.",
            number_changed=True, accounts_closed=True,
            safe_routes="Driven to school by Casa Aurora staff; never through the bus station.",
        )  # fmt: skip
        created += 2

    blessing = _case("ALV-06")
    if not RiskAssessment.objects.filter(case=blessing).exists():
        # Assessed at high risk 45 days ago: the 30-day re-assessment is overdue.
        _assess(blessing, level=RiskLevel.HIGH, at=now - timedelta(days=45),
                factors=[RiskFactor.DEBT_BONDAGE, RiskFactor.ONLINE_CONTACT, RiskFactor.THREATS],
                narrative="Told the oath binds her to repay; the woman who ran the flat is not yet arrested.")  # fmt: skip
        created += 1
    if not SafetyPlan.objects.filter(case=blessing).exists():
        services.safety_plan_record(
            actor=_worker(blessing), case=blessing, at=now - timedelta(days=44),
            review_on=(now + timedelta(days=10)).date(),
            who_to_call="Safe Passage night line (0800 000 222); her lawyer; emergency 112.",
            trafficker_contact="No contact; the flat's address and the woman's known numbers are with the police.",
            phones_and_accounts="Old social-media accounts watched by the police with her consent.",
            accounts_watched=True, safe_routes="Escorted to every court hearing by Safe Passage.",
        )  # fmt: skip
        created += 1

    oksana = _case("MON-03")
    if not RiskAssessment.objects.filter(case=oksana).exists():
        _assess(oksana, level=RiskLevel.LOW, at=now - timedelta(days=20), factors=[RiskFactor.ONLINE_CONTACT],
                narrative="The agency behind the advertisement wrote to her once; no contact since.")  # fmt: skip
        created += 1

    services.risk_reassessments_alert(at=now)
    ids = demo_cases().values("pk")
    return DemoSafety(
        created=created,
        assessments=RiskAssessment.objects.filter(case__in=ids).count(),
        plans=SafetyPlan.objects.filter(case__in=ids).count(),
        overdue_alerts=Alert.objects.filter(kind=AlertKind.RISK_REASSESSMENT_DUE, case__in=ids).count(),
    )
