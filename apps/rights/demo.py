"""Fictional status-and-rights records for the demo cases, made only through the services.

Every authority, reference and person here is invented. Needs the demo accounts and cases
(apps.accounts.demo.seed_accounts, apps.cases.demo.seed_cases) and nothing else: the demo
interviews are by a prosecutor and a judge, which wait for no guardian. Running it again
creates nothing: each record is looked for on its demo case first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.rights import services
from apps.rights.models import (
    CompensationClaim,
    CriminalProceeding,
    IdentificationChange,
    ProceedingInterview,
    ProtectionClaim,
    ResidencePermit,
)


@dataclass(frozen=True)
class DemoRights:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    claims: int
    permits: int
    proceedings: int
    interviews: int
    compensation_claims: int

    def describe(self) -> str:
        return (
            f"Demo status and rights ready ({self.created} new): {self.claims} protection claims, {self.permits} "
            f"residence permits, {self.proceedings} criminal proceedings with {self.interviews} interviews, "
            f"{self.compensation_claims} compensation claims."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _worker(case: Case) -> User:
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return User.objects.get(email=f"{STAFF[case.owning_agency.name].supervisor}@{DEMO_DOMAIN}")


def _once(model: type[models.Model], case: Case, make: Callable[[], object], path: str = "case") -> int:
    if model._default_manager.filter(**{path: case}).exists():
        return 0
    make()
    return 1


@transaction.atomic
def seed_rights(*, now: datetime | None = None) -> DemoRights:
    """A pending asylum claim (a transnational case), a formally identified child whose permit
    expires soon, proceedings with two interviews under special measures, and a compensation claim."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    created = 0

    mohamed = _case("MON-01")
    created += _once(ProtectionClaim, mohamed, lambda: services.protection_claim_lodge(
        actor=_worker(mohamed), case=mohamed, kind="asylum", lodged_on=today - timedelta(days=40),
        authority="Montalba Office for Asylum and Refugees", authority_reference="OAR-DEMO-2026-0311", at=now,
    ))  # fmt: skip

    muhammad = _case("ALV-02")
    worker = _worker(muhammad)
    created += _once(IdentificationChange, muhammad, lambda: services.identification_status_change(
        actor=worker, case=muhammad, to_status="formally_identified", decided_on=today - timedelta(days=300),
        authority_name="Alvora National Referral Mechanism", authority_reference="NRM-DEMO-0042", at=now,
    ))  # fmt: skip
    created += _once(ResidencePermit, muhammad, lambda: services.residence_permit_record(
        actor=worker, case=muhammad, kind="victim", number="RP-DEMO-778812", issued_by="Alvora Migration Service",
        issued_on=today - timedelta(days=335), expires_on=today + timedelta(days=30), at=now,
    ))  # fmt: skip

    amira = _case("ALV-05")
    worker = _worker(amira)
    created += _once(CriminalProceeding, amira, lambda: services.criminal_proceeding_record(
        actor=worker, case=amira, child_role="victim_and_witness", reference="PP-DEMO-2026-117",
        prosecutor_name="Alvora Public Prosecutor — Trafficking Unit", court="Alvora District Court",
        stage="prosecution", stage_since=today - timedelta(days=60), at=now,
    ))  # fmt: skip
    proceeding = CriminalProceeding.objects.get(case=amira)
    if not ProceedingInterview.objects.filter(proceeding=proceeding).exists():
        services.special_measure_request(actor=worker, proceeding=proceeding, measure="no_visual_contact",
                                         requested_on=today - timedelta(days=55), at=now)  # fmt: skip
        services.representative_appoint(actor=worker, proceeding=proceeding, kind="lawyer", name="Dr. Inês Calado",
                                         legal_aid=True, starts_on=today - timedelta(days=58), at=now)  # fmt: skip
        services.interview_record(
            actor=worker, proceeding=proceeding, held_at=now - timedelta(days=50), interviewer_kind="prosecutor",
            interviewer="Prosecutor D. Faria", place="Child-friendly interview room, Alvora Family Court",
            special_measures=["video_recorded", "child_friendly_room", "support_person", "preferred_gender"], at=now,
        )  # fmt: skip
        services.interview_record(
            actor=worker, proceeding=proceeding, held_at=now - timedelta(days=20), interviewer_kind="judge",
            interviewer="Investigating judge", place="Alvora District Court, video-link room",
            special_measures=["no_visual_contact", "testimony_by_video_link", "same_interviewer"], at=now,
        )  # fmt: skip
        created += 2
    created += _once(CompensationClaim, amira, lambda: services.compensation_claim_record(
        actor=worker, case=amira, against="trafficker", respondent="The accused in PP-DEMO-2026-117",
        proceeding=proceeding, amount=Decimal("15000.00"), currency="EUR", legal_aid=True, status="filed",
        status_since=today - timedelta(days=45), at=now,
    ))  # fmt: skip

    return DemoRights(
        created=created,
        claims=ProtectionClaim.objects.filter(case__in=demo_cases()).count(),
        permits=ResidencePermit.objects.filter(case__in=demo_cases()).count(),
        proceedings=CriminalProceeding.objects.filter(case__in=demo_cases()).count(),
        interviews=ProceedingInterview.objects.filter(proceeding__case__in=demo_cases()).count(),
        compensation_claims=CompensationClaim.objects.filter(case__in=demo_cases()).count(),
    )
