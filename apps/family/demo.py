"""Fictional family records for the demo cases, made only through the services.

Every person, place and finding here is invented. Needs the demo accounts and cases
(apps.accounts.demo.seed_accounts, apps.cases.demo.seed_cases). Running it again creates
nothing: each record is looked for on its demo case first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.family import services
from apps.family.models import (
    FamilyAssessment,
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    RelationshipMethod,
    Relative,
    RiskSecurityAssessment,
    TracingChannel,
    TracingNotDone,
    TracingNotDoneReason,
    TracingRequest,
)


@dataclass(frozen=True)
class DemoFamily:
    """What the demo holds afterwards: counts only, never a child's or a relative's data."""

    created: int
    relatives: int
    assessments: int
    tracing_requests: int
    not_done: int
    security_assessments: int

    def describe(self) -> str:
        return (
            f"Demo family records ready ({self.created} new): {self.relatives} relatives, {self.assessments} family "
            f"assessments, {self.tracing_requests} tracing requests, {self.not_done} reasons tracing is not done, "
            f"{self.security_assessments} risk and security assessments."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _worker(case: Case) -> User:
    if case.assigned_caseworker is not None:
        return case.assigned_caseworker
    return User.objects.get(email=f"{STAFF[case.owning_agency.name].supervisor}@{DEMO_DOMAIN}")


def _once(model: type[models.Model], case: Case, make: Callable[[], object]) -> int:
    if model._default_manager.filter(case=case).exists():
        return 0
    make()
    return 1


@transaction.atomic
def seed_family(*, now: datetime | None = None) -> DemoFamily:
    """A verified mother with a completed family assessment, a grandmother abroad with a risk
    and security assessment for the return country, a tracing request abroad through the Red
    Cross, and tracing not done because of a protection claim."""
    now = now or timezone.now()
    created = 0

    # ALV-08: back home with her mother — verified, assessed, the links to the exploitation covered.
    home = _case("ALV-08")

    def verified_mother() -> None:
        worker = _worker(home)
        mother = services.relative_record(
            actor=worker, case=home, relationship=Relationship.MOTHER, names="Elena Popa (fictional)",
            whereabouts="Family flat, Alvora east district", contact="Through the caseworker", country="PT",
            at=now - timedelta(days=120),
        )  # fmt: skip
        services.relative_identity_verify(
            actor=worker, relative=mother, method=IdentityMethod.IDENTITY_DOCUMENT,
            note="Residence card seen and copied to the file.", at=now - timedelta(days=118),
        )  # fmt: skip
        services.relative_relationship_verify(
            actor=worker, relative=mother, method=RelationshipMethod.DOCUMENTS,
            note="Birth certificate naming her as mother; consistent with the child's account.",
            at=now - timedelta(days=118),
        )  # fmt: skip
        services.family_assessment_complete(
            actor=worker, relative=mother, situation="Single mother with the child's younger brother.",
            income_and_housing="Works in a laundry; rents a two-room flat.",
            school_and_health_access="School place kept open; registered with the district health centre.",
            covers_exploitation_links=True,
            exploitation_links_findings="No link to the recruiter found; she reported the disappearance to the police.",
            conclusion=FamilyConclusion.SUITABLE_WITH_SUPPORT,
            support_needed="Weekly family support visits and help with the rent for six months.",
            at=now - timedelta(days=110),
        )  # fmt: skip

    created += _once(Relative, home, verified_mother)

    # ALV-05: the grandmother in Romania asks for him; a risk and security assessment for RO.
    bogdan = _case("ALV-05")

    def grandmother_abroad() -> None:
        worker = _worker(bogdan)
        grandmother = services.relative_record(
            actor=worker, case=bogdan, relationship=Relationship.GRANDPARENT, names="Maria Ionescu (fictional)",
            whereabouts="A village near Iasi", country="RO", at=now - timedelta(days=60),
        )  # fmt: skip
        services.security_assessment_complete(
            actor=worker, case=bogdan, country="RO", relative=grandmother, safe=True, serious_harm_found=False,
            findings={
                "family_situation": "Grandmother, 61, lives alone in her own house; the uncle who exploited him "
                "lives elsewhere and is under investigation.",
                "reprisal_risk": "Low: the uncle has no contact with the grandmother, who reported him.",
                "retrafficking_risk": "Moderate, reduced by daily school attendance and the counterpart's visits.",
                "access_to_protection": "The county child protection service will follow the case.",
                "health_care": "Family doctor in the village; counselling in Iasi.",
                "education": "School place confirmed for the next term.",
            },
            sources="Counterpart agency report; call with the grandmother; police liaison.",
            at=now - timedelta(days=20),
        )  # fmt: skip

    created += _once(RiskSecurityAssessment, bogdan, grandmother_abroad)

    # ALV-02: family in the country of origin; tracing through the Red Cross family links.
    muhammad = _case("ALV-02")
    created += _once(TracingRequest, muhammad, lambda: services.tracing_request_open(
        actor=_worker(muhammad), case=muhammad, via=TracingChannel.RED_CROSS, country="MA",
        sought="His father and two older brothers, last known near Oujda.",
        child_views="He wants his father to know he is alive, but not where he lives.",
        sent_at=now - timedelta(days=45), at=now - timedelta(days=45),
    ))  # fmt: skip

    # ALV-04: a protection claim — her family is not traced.
    fatoumata = _case("ALV-04")
    created += _once(TracingNotDone, fatoumata, lambda: services.tracing_not_done_record(
        actor=_worker(fatoumata), case=fatoumata, reason=TracingNotDoneReason.PROTECTION_CLAIM,
        explanation="She has asked for asylum for fear of the forced marriage her parents arranged; tracing could "
        "reveal her whereabouts to them.", at=now - timedelta(days=30),
    ))  # fmt: skip

    ids = demo_cases().values("pk")
    return DemoFamily(
        created=created,
        relatives=Relative.objects.filter(case__in=ids).count(),
        assessments=FamilyAssessment.objects.filter(case__in=ids).count(),
        tracing_requests=TracingRequest.objects.filter(case__in=ids).count(),
        not_done=TracingNotDone.objects.filter(case__in=ids).count(),
        security_assessments=RiskSecurityAssessment.objects.filter(case__in=ids).count(),
    )
