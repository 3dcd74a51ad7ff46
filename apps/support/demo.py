"""Fictional support services and cooperation records for the demo cases, made only through the services.

Every provider, person and event here is invented. Needs the demo accounts and cases
(apps.accounts.demo.seed_accounts, apps.cases.demo.seed_cases). Running it again creates
nothing: each case's records are looked for first.

The demo shows R5 at work: a boy who declined to cooperate with the police receives every
one of the seven services; a girl who is only a presumed victim receives hers too. Ends and
declines take their reasons from the closed lists; one end "for another reason" awaits the
supervisor's approval, the service going on meanwhile.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, User
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.support import services
from apps.support.models import (
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    ServiceKind,
    ServiceStatus,
    SupportService,
)

SAFE_PASSAGE = "Safe Passage"
LEGAL_AID = "Harbour Legal Aid"
HOSPITAL = "Alvora General Hospital — Paediatrics"
CASA_AURORA = "Casa Aurora Children's Home"
ALVORA_POLICE = "Alvora Police — Child Protection Unit"


@dataclass(frozen=True)
class DemoSupport:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    services: int
    active: int
    cooperation: int

    def describe(self) -> str:
        return (
            f"Demo support ready ({self.created} new): {self.services} services ({self.active} requested or "
            f"provided), {self.cooperation} cooperation records."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _worker(case: Case) -> User:
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return User.objects.get(email=f"{STAFF[case.owning_agency.name].supervisor}@{DEMO_DOMAIN}")


def _services_for(case: Case, now: datetime, plan: list[tuple[str, str, str, str, int]]) -> int:
    """Each (kind, provider agency or "", outside provider or "", status, days ago) through the services."""
    worker = _worker(case)
    for kind, agency, outside, status, days in plan:
        requested = now - timedelta(days=days)
        service = services.service_request(
            actor=worker, case=case, kind=kind, provider=_agency(agency) if agency else None, provider_name=outside,
            needs=DEMO_NEEDS[kind], requested_at=requested, at=requested,
        )  # fmt: skip
        if status in (ServiceStatus.PROVIDED, ServiceStatus.ENDED, OTHER_PENDING):
            service = services.service_start(actor=worker, service=service, at=requested + timedelta(days=2))
        later = requested + timedelta(days=min(days - 1, 30))
        if status == ServiceStatus.ENDED:
            services.service_end(actor=worker, service=service, reason=EndReason.COMPLETED, at=later)
        elif status == ServiceStatus.DECLINED:
            services.service_decline(actor=worker, service=service, reason=DeclineReason.NO_CAPACITY,
                                     note="Fictional: the course is full until spring; on the waiting list.",
                                     at=later)  # fmt: skip
        elif status == OTHER_PENDING:
            # A reason off the lists waits for the supervisor; the service goes on meanwhile.
            services.service_end(actor=worker, service=service, reason=EndReason.OTHER,
                                 note="Fictional: she now follows her sessions in Portuguese and asks for the "
                                 "interpreter only when she wants one.", at=later)  # fmt: skip
    return len(plan)


# A plan's status for a service whose end "for another reason" awaits the supervisor's approval.
OTHER_PENDING = "other_pending"


DEMO_NEEDS: dict[str, str] = {
    ServiceKind.COUNSELLING: "Weekly sessions with a counsellor trained in trauma; sleeps badly.",
    ServiceKind.LEGAL_ASSISTANCE: "A lawyer for the residence permit and to explain his rights as a victim.",
    ServiceKind.HEALTH_CARE: "Check-up, vaccinations and a dentist.",
    ServiceKind.EDUCATION: "A school place with Portuguese lessons.",
    ServiceKind.VOCATIONAL_TRAINING: "Wants to train as a mechanic.",
    ServiceKind.INTERPRETATION: "Interpreter for Moroccan Arabic at every appointment.",
    ServiceKind.ACCOMMODATION: "A stable place to live while the foster search continues.",
}


@transaction.atomic
def seed_support(*, now: datetime | None = None) -> DemoSupport:
    """Services for a boy who declined to cooperate with the police (all seven), for a presumed
    victim, and for a girl who cooperates with the prosecution; and their cooperation records."""
    now = now or timezone.now()
    created = 0

    muhammad = _case("ALV-02")
    if not CooperationRecord.objects.filter(case=muhammad).exists():
        services.cooperation_record(
            actor=_worker(muhammad), case=muhammad, status=CooperationStatus.DECLINES,
            with_agency=_agency(ALVORA_POLICE), as_of=now - timedelta(days=90),
            note="Does not want to give a statement: afraid for his family at home. Told it changes nothing of "
            "his support.", at=now - timedelta(days=90),
        )  # fmt: skip
        created += 1
    if not SupportService.objects.filter(case=muhammad).exists():
        created += _services_for(muhammad, now, [
            (ServiceKind.COUNSELLING, SAFE_PASSAGE, "", ServiceStatus.PROVIDED, 85),
            (ServiceKind.LEGAL_ASSISTANCE, LEGAL_AID, "", ServiceStatus.PROVIDED, 80),
            (ServiceKind.HEALTH_CARE, HOSPITAL, "", ServiceStatus.ENDED, 88),
            (ServiceKind.EDUCATION, "", "Escola Básica da Ribeira", ServiceStatus.PROVIDED, 70),
            (ServiceKind.VOCATIONAL_TRAINING, SAFE_PASSAGE, "", ServiceStatus.REQUESTED, 3),
            (ServiceKind.INTERPRETATION, "", "Alvora Community Interpreters", ServiceStatus.PROVIDED, 89),
            (ServiceKind.ACCOMMODATION, CASA_AURORA, "", ServiceStatus.PROVIDED, 100),
        ])  # fmt: skip

    aicha = _case("ALV-01")  # a presumed victim: her services do not wait for identification
    if not CooperationRecord.objects.filter(case=aicha).exists():
        services.cooperation_record(actor=_worker(aicha), case=aicha, status=CooperationStatus.NOT_ASKED_YET,
                                    as_of=now - timedelta(days=38), at=now - timedelta(days=38))  # fmt: skip
        created += 1
    if not SupportService.objects.filter(case=aicha).exists():
        created += _services_for(aicha, now, [
            (ServiceKind.HEALTH_CARE, HOSPITAL, "", ServiceStatus.PROVIDED, 39),
            (ServiceKind.COUNSELLING, SAFE_PASSAGE, "", ServiceStatus.PROVIDED, 30),
            (ServiceKind.EDUCATION, "", "Escola Básica da Ribeira", ServiceStatus.REQUESTED, 5),
        ])  # fmt: skip

    blessing = _case("ALV-06")
    if not CooperationRecord.objects.filter(case=blessing).exists():
        services.cooperation_record(
            actor=_worker(blessing), case=blessing, status=CooperationStatus.COOPERATING,
            with_name="Alvora Public Prosecutor's Office", as_of=now - timedelta(days=200),
            note="Gave a recorded statement with her lawyer present; escorted to hearings.",
            at=now - timedelta(days=200),
        )  # fmt: skip
        created += 1
    if not SupportService.objects.filter(case=blessing).exists():
        created += _services_for(blessing, now, [
            (ServiceKind.COUNSELLING, SAFE_PASSAGE, "", ServiceStatus.PROVIDED, 300),
            (ServiceKind.LEGAL_ASSISTANCE, LEGAL_AID, "", ServiceStatus.PROVIDED, 290),
            (ServiceKind.VOCATIONAL_TRAINING, SAFE_PASSAGE, "", ServiceStatus.DECLINED, 20),
            (ServiceKind.INTERPRETATION, "", "Alvora Community Interpreters", OTHER_PENDING, 60),
        ])  # fmt: skip

    ids = demo_cases().values("pk")
    return DemoSupport(
        created=created,
        services=SupportService.objects.filter(case__in=ids).count(),
        active=SupportService.objects.filter(
            case__in=ids, status__in=[ServiceStatus.REQUESTED, ServiceStatus.PROVIDED]
        ).count(),
        cooperation=CooperationRecord.objects.filter(case__in=ids).count(),
    )
