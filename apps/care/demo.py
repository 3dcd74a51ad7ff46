"""Fictional care records for the demo cases, made only through the services.

Every place, person and event here is invented. Needs the demo accounts and cases
(apps.accounts.demo.seed_accounts, apps.cases.demo.seed_cases). Running it again creates
nothing: each record is looked for on its demo case first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, User
from apps.care import services
from apps.care.models import Charge, ChargeKind, HeldEvent, HeldPlace, MissingReport, Placement, PlacementKind
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case

CASA_AURORA = "Casa Aurora Children's Home"
ALVORA_POLICE = "Alvora Police — Child Protection Unit"


@dataclass(frozen=True)
class DemoCare:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    placements: int
    held: int
    missing: int
    charges: int

    def describe(self) -> str:
        return (
            f"Demo care records ready ({self.created} new): {self.placements} placements, {self.held} held events, "
            f"{self.missing} missing-from-care reports, {self.charges} charges."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def _worker(case: Case) -> User:
    """The caseworker holding the case records for it."""
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return _supervisor(case)


def _supervisor(case: Case) -> User:
    return User.objects.get(email=f"{STAFF[case.owning_agency.name].supervisor}@{DEMO_DOMAIN}")


def _once(model: type[models.Model], case: Case, make: Callable[[], object]) -> int:
    if model._default_manager.filter(case=case).exists():
        return 0
    make()
    return 1


@transaction.atomic
def seed_care(*, now: datetime | None = None) -> DemoCare:
    """A shelter placement with its justification, a kinship placement, an emergency placement
    already reviewed, a child held by the police, a child missing from care and a charge."""
    now = now or timezone.now()
    created = 0

    muhammad = _case("ALV-02")
    created += _once(Placement, muhammad, lambda: services.placement_record(
        actor=_worker(muhammad), case=muhammad, kind=PlacementKind.SHELTER, provider=_agency(CASA_AURORA),
        address="Casa Aurora Children's Home, Rua da Esperança 40, Alvora", starts_at=now - timedelta(days=100),
        justification="No foster family is free for a 15-year-old boy who speaks Arabic and Spanish; Casa Aurora has "
        "an Arabic-speaking key worker. Foster care is searched for every month.", at=now - timedelta(days=100),
    ))  # fmt: skip

    oksana = _case("MON-03")
    created += _once(Placement, oksana, lambda: services.placement_record(
        actor=_worker(oksana), case=oksana, kind=PlacementKind.KINSHIP, starts_at=now - timedelta(days=150),
        address="With her aunt's family, Montalba (address with the placement team)", at=now - timedelta(days=150),
    ))  # fmt: skip

    aicha = _case("ALV-01")

    def emergency_placement() -> None:
        placement = services.placement_record(
            actor=_worker(aicha), case=aicha, kind=PlacementKind.FOSTER, starts_at=now - timedelta(days=39),
            address="Emergency foster family, Alvora (address with the placement team)", urgent=True,
            urgent_reason="Brought to hospital at night with a burn; she could not go back to the relative's house.",
            at=now - timedelta(days=39),
        )  # fmt: skip
        services.urgent_action_review(
            actor=_supervisor(aicha), action=placement.urgent_action, at=now - timedelta(days=38),
            review="Right decision. Keep the foster family; look for a long-term placement with her guardian.",
        )  # fmt: skip

    created += _once(Placement, aicha, emergency_placement)

    fatoumata = _case("ALV-04")

    def shelter_then_missing() -> None:
        worker = _worker(fatoumata)
        services.placement_record(
            actor=worker, case=fatoumata, kind=PlacementKind.SHELTER, provider=_agency(CASA_AURORA),
            starts_at=now - timedelta(days=70), address="Casa Aurora Children's Home, Rua da Esperança 40, Alvora",
            justification="A shelter with staff trained on forced marriage while her family, who are implicated, "
            "are assessed; no family-based placement is safe yet.", at=now - timedelta(days=70),
        )  # fmt: skip
        services.missing_report(
            actor=worker, case=fatoumata, missing_since=now - timedelta(hours=20),
            reason="Did not come back from school; her phone is off.",
            last_seen="Leaving the school gate with two older girls she did not know.",
            police_agency=_agency(ALVORA_POLICE), police_reference="PSP-DEMO-0042", may_have_crossed_to="ES",
            at=now - timedelta(hours=19),
        )  # fmt: skip

    created += _once(MissingReport, fatoumata, shelter_then_missing)

    created += _once(HeldEvent, muhammad, lambda: services.held_record(
        actor=_worker(muhammad), case=muhammad, place_kind=HeldPlace.POLICE_CUSTODY,
        where="Alvora central police station", held_by_agency=_agency(ALVORA_POLICE),
        since=now - timedelta(hours=5), at=now - timedelta(hours=4),
    ))  # fmt: skip

    bogdan = _case("ALV-05")
    created += _once(Charge, bogdan, lambda: services.charge_record(
        actor=_worker(bogdan), case=bogdan, kind=ChargeKind.CRIMINAL_CHARGE,
        acts="Pickpocketing on trams, which his uncle forced him to do.",
        authority_name="Alvora Public Prosecutor's Office", since=now - timedelta(days=30), at=now - timedelta(days=29),
    ))  # fmt: skip

    ids = demo_cases().values("pk")
    return DemoCare(
        created=created,
        placements=Placement.objects.filter(case__in=ids).count(),
        held=HeldEvent.objects.filter(case__in=ids).count(),
        missing=MissingReport.objects.filter(case__in=ids).count(),
        charges=Charge.objects.filter(case__in=ids).count(),
    )
