"""Best-interests worlds: a case with its staff and guardian, and determinations at each stage,
all written through the services (the guardian's opinion and the child's views through theirs)."""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.accounts.models import Role, User
from apps.bestinterests import services
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    DeterminationKind,
    Discipline,
    SolutionKind,
)
from apps.cases.models import Case
from apps.family.models import TracingNotDoneReason
from apps.family.services import tracing_not_done_record
from apps.guardianship.models import GuardianOpinion
from apps.guardianship.selectors import active_appointment
from apps.voice.services import child_views_record
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff, guardian_for

NOW = timezone.now()
DAY = timedelta(days=1)


@dataclass
class World:
    case: Case
    caseworker: User
    supervisor: User
    guardian: User
    panel: list[Any] = field(default_factory=list)


def world(*, guardian: bool = True, **register_kwargs) -> World:
    case, caseworker, supervisor = case_with_staff(**register_kwargs)
    keeper = guardian_for(case, starts_at=NOW - 400 * DAY) if guardian else None
    return World(case=case, caseworker=caseworker, supervisor=supervisor, guardian=keeper)  # type: ignore[arg-type]


def panel_people(w: World, n: int = 3) -> list[Any]:
    """Panel members: a caseworker of the agency and outsiders (a psychologist, a lawyer)."""
    agency = AgencyFactory(country=w.case.owning_agency.country)
    members = [w.caseworker] + [MembershipFactory(role=Role.PARTNER_STAFF, agency=agency).user for _ in range(n - 1)]
    w.panel = members
    return members


def guardian_opinion(w: World, *, decision: str, subject: str, agrees: bool = True, at=None) -> GuardianOpinion:
    # Given before the decisions these factories date days back: an opinion counts from its moment on.
    moment = at or NOW - 30 * DAY
    appointment = active_appointment(case=w.case, at=moment)
    assert appointment is not None
    return GuardianOpinion.objects.create(
        case=w.case, appointment=appointment, decision=decision, subject=subject, agrees=agrees, recorded_at=moment
    )


def views_heard(w: World, *, subject: str = "", objects: bool = False, at=None) -> None:
    child_views_record(
        actor=w.caseworker, case=w.case, decision="bid", heard=True, subject=subject,
        views="I would like to go home to my aunt.", how_expressed="spoken", language="Arabic", objects=objects,
        at=at or NOW - 3 * DAY,
    )  # fmt: skip


def tracing_not_done(w: World) -> None:
    tracing_not_done_record(
        actor=w.caseworker, case=w.case, reason=TracingNotDoneReason.PROTECTION_CLAIM,
        explanation="Asylum claim lodged.", at=NOW - 2 * DAY,
    )  # fmt: skip


def completed_bia(w: World, *, at=None) -> BestInterestsAssessment:
    moment = at or NOW - 20 * DAY
    bia = services.bia_start(actor=w.caseworker, case=w.case, at=moment)
    services.bia_update(actor=w.caseworker, assessment=bia, sections={s: f"Fictional {s} notes." for s in BIA_SECTIONS})
    guardian_opinion(w, decision="bia", subject=str(bia.pk), at=moment)
    return services.bia_complete(actor=w.caseworker, assessment=bia, at=moment)


def ready_panel_draft(
    w: World, *, recommendation: str = SolutionKind.RETURN, objects: bool = False, tracing: bool = True
) -> BestInterestsDetermination:
    """A panel draft with everything R7 asks for on file: deciding it succeeds."""
    bid = services.determination_start(actor=w.caseworker, case=w.case, at=NOW - 5 * DAY)
    members = panel_people(w)
    for member, discipline in zip(
        members, [Discipline.SOCIAL_WORK, Discipline.PSYCHOLOGY, Discipline.LAW], strict=True
    ):
        services.panel_member_add(actor=w.caseworker, determination=bid, member=member, discipline=discipline)
        services.undertaking_sign(actor=member, determination=bid, at=NOW - 4 * DAY)
    for solution in (SolutionKind.RETURN, SolutionKind.LOCAL_INTEGRATION):
        services.option_weigh(actor=w.caseworker, determination=bid, solution=solution,
                              reasons_for="Fictional reasons for.", reasons_against="Fictional reasons against.")  # fmt: skip
    services.determination_update(
        actor=w.caseworker, determination=bid, recommendation=recommendation, reasons="Fictional reasons.",
        no_risk_assessment_reason="Fictional: assessment pending with the counterpart.",
        objection_reasons="Fictional: safety at home outweighs." if objects else None,
    )  # fmt: skip
    guardian_opinion(w, decision="bid", subject=str(bid.pk))
    views_heard(w, subject=str(bid.pk), objects=objects)
    if tracing:
        tracing_not_done(w)
    return bid


def decided_panel(w: World, **kwargs) -> BestInterestsDetermination:
    bid = ready_panel_draft(w, **kwargs)
    return services.determination_decide(actor=w.caseworker, determination=bid, at=NOW - 2 * DAY)


def approved_panel(w: World, **kwargs) -> BestInterestsDetermination:
    bid = decided_panel(w, **kwargs)
    return services.determination_approve(actor=w.supervisor, determination=bid, at=NOW - DAY)


def ready_authority_draft(
    w: World, *, recommendation: str = SolutionKind.LOCAL_INTEGRATION
) -> BestInterestsDetermination:
    bid = services.determination_start(actor=w.caseworker, case=w.case, kind=DeterminationKind.AUTHORITY,
                                       at=NOW - 5 * DAY)  # fmt: skip
    services.option_weigh(actor=w.caseworker, determination=bid, solution=recommendation,
                          reasons_for="Fictional reasons for.", reasons_against="Fictional reasons against.")  # fmt: skip
    services.determination_update(
        actor=w.caseworker, determination=bid, recommendation=recommendation, reasons="The court's fictional reasons.",
        authority_name="Family Court of Alvora", authority_reference="FC-1/2026",
        authority_decided_on=(NOW - 3 * DAY).date(), no_risk_assessment_reason="The child stays in the country.",
    )  # fmt: skip
    guardian_opinion(w, decision="bid", subject=str(bid.pk))
    views_heard(w, subject=str(bid.pk))
    tracing_not_done(w)
    return bid
