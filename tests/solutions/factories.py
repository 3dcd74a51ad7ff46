"""Worlds for durable solutions: a case with its staff and guardian, and each prerequisite of
the gates made on demand. Other apps' records are written directly where their own rules
are not what is tested here (a determination, a security assessment, a guardian's opinion);
the child's views and protection claims through their services.

`solution_in_place` is for other apps' tests that walk a case along the whole workflow: it
records, directly, the decided (and, later, implemented) local integration the solutions
guards ask for before `implement_solution` and `start_follow_up`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.bestinterests.models import BestInterestsDetermination, DeterminationKind
from apps.cases import vault
from apps.cases.models import Case
from apps.family.models import FamilyAssessment, FamilyConclusion, Relationship, RiskSecurityAssessment
from apps.family.services import relative_identity_verify, relative_record, relative_relationship_verify
from apps.guardianship.models import GuardianOpinion
from apps.guardianship.selectors import active_appointment
from apps.rights.models import ClaimKind, ClaimStatus, FindingSource
from apps.rights.services import non_refoulement_finding_record, protection_claim_lodge, protection_claim_status_change
from apps.solutions import services
from apps.solutions.models import DurableSolution, ReintegrationPlan, ServiceNeed, SolutionStatus, SolutionType
from apps.voice.services import child_views_record
from tests.care.factories import case_with_staff, guardian_for

NOW = timezone.now()
DAY = timedelta(days=1)

__all__ = ["case_with_staff", "guardian_for"]


@dataclass
class World:
    case: Case
    caseworker: User
    supervisor: User
    guardian: User | None


def world(*, guardian: bool = True, country: str = "PT", origin: str = "MA", **register_kwargs) -> World:
    """An unaccompanied child from `origin`, in an agency of `country`, with an active guardian."""
    from tests.accounts.factories import AgencyFactory

    child_facts = {"unaccompanied": True, "nationalities": [origin], "country_of_origin": origin}
    case, caseworker, supervisor = case_with_staff(
        agency=AgencyFactory(country=country), child_facts=child_facts, **register_kwargs
    )
    keeper = guardian_for(case, starts_at=NOW - 60 * DAY) if guardian else None
    return World(case=case, caseworker=caseworker, supervisor=supervisor, guardian=keeper)


def _seal(case: Case, model, column: str, value: str | None):
    return vault.seal(case.child, vault.data_key(case.child), model, column, value)


# --- Other apps' records -----------------------------------------------------------------------
def determination(
    case: Case,
    actor: User,
    *,
    recommendation: str,
    kind: str = DeterminationKind.PANEL,
    approved: bool = True,
    child_objects: bool = False,
    objection_addressed: bool = True,
    child_told: bool = True,
    decided_at: datetime | None = None,
) -> BestInterestsDetermination:
    """A decided determination, as the bestinterests services leave one."""
    decided = decided_at or NOW - 10 * DAY
    record = BestInterestsDetermination(
        case=case, kind=kind, recommendation=recommendation, decided_at=decided, decided_by=actor,
        review_due_at=decided + 365 * DAY, child_objects=child_objects, created_by=actor, created_at=decided - DAY,
        approved_at=decided + DAY if approved and kind == DeterminationKind.PANEL else None,
        approved_by=actor if approved and kind == DeterminationKind.PANEL else None,
        child_told_at=decided + 2 * DAY if child_told else None,
        authority_name="Family Court (fictional)" if kind == DeterminationKind.AUTHORITY else "",
    )  # fmt: skip
    record.reasons = _seal(case, BestInterestsDetermination, "reasons", "Fictional reasons.")
    if child_objects and objection_addressed:
        record.objection_reasons = _seal(
            case, BestInterestsDetermination, "objection_reasons", "Fictional: safety at home outweighs the fear."
        )
    record.save()
    return record


def security(
    case: Case,
    actor: User,
    *,
    country: str = "MA",
    safe: bool = True,
    harm: bool = False,
    completed_at: datetime | None = None,
    valid_days: int = 90,
) -> RiskSecurityAssessment:
    completed = completed_at or NOW - 5 * DAY
    record = RiskSecurityAssessment(
        case=case, country=country, safe=safe and not harm, serious_harm_found=harm, completed_at=completed,
        completed_by=actor, expires_at=completed + valid_days * DAY,
    )  # fmt: skip
    record.family_situation = _seal(case, RiskSecurityAssessment, "family_situation", "Fictional finding.")
    record.save()
    return record


def guardian_says(case: Case, solution: DurableSolution, *, agrees: bool | None = True) -> GuardianOpinion:
    appointment = active_appointment(case=case, at=NOW)
    assert appointment is not None
    return GuardianOpinion.objects.create(
        case=case, appointment=appointment, decision=solution.guardian_decision, subject=str(solution.pk),
        agrees=agrees, recorded_at=NOW - 2 * DAY,
    )  # fmt: skip


def child_says(case: Case, actor: User, solution: DurableSolution, *, objects: bool = False) -> None:
    child_views_record(
        actor=actor, case=case, decision=solution.guardian_decision, heard=True, subject=str(solution.pk),
        views="Fictional: I want to be near my grandmother.", how_expressed="spoken", language="Arabic",
        objects=objects, at=NOW - 2 * DAY,
    )  # fmt: skip


def asylum_pending(case: Case, actor: User) -> None:
    protection_claim_lodge(actor=actor, case=case, kind=ClaimKind.ASYLUM, lodged_on=timezone.localdate() - 30 * DAY,
                           authority="Asylum Office (fictional)")  # fmt: skip


def refugee(case: Case, actor: User) -> None:
    claim = protection_claim_lodge(actor=actor, case=case, kind=ClaimKind.ASYLUM, lodged_on=timezone.localdate() - 90 * DAY,
                                   authority="Asylum Office (fictional)")  # fmt: skip
    protection_claim_status_change(actor=actor, claim=claim, status=ClaimStatus.REFUGEE_STATUS_GRANTED,
                                   on=timezone.localdate() - 30 * DAY, note="Granted (fictional decision).")  # fmt: skip


def serious_harm_finding(case: Case, actor: User) -> None:
    non_refoulement_finding_record(actor=actor, case=case, found_on=timezone.localdate() - 10 * DAY,
                                   source_kind=FindingSource.values[0], source="Administrative Court (fictional)")  # fmt: skip


def adult(
    case: Case,
    actor: User,
    *,
    relationship: str = Relationship.MOTHER,
    country: str = "",
    identity: bool = True,
    related: bool = True,
    assessment: str | None = FamilyConclusion.SUITABLE,
    covers_links: bool = True,
):
    """A relative or other adult, verified and assessed as asked."""
    person = relative_record(
        actor=actor, case=case, relationship=relationship, names="Khadija Benali (fictional)",
        country=country or case.owning_agency.country, whereabouts="Fictional street 1",
    )  # fmt: skip
    if identity:
        relative_identity_verify(actor=actor, relative=person, method="identity_document", note="ID card seen",
                                 at=NOW - 4 * DAY)  # fmt: skip
    if related:
        relative_relationship_verify(actor=actor, relative=person, method="documents", note="Birth certificate",
                                     at=NOW - 4 * DAY)  # fmt: skip
    if assessment is not None:
        record = FamilyAssessment(
            case=case, relative=person, covers_exploitation_links=covers_links, conclusion=assessment,
            completed_at=NOW - 3 * DAY, completed_by=actor,
        )  # fmt: skip
        if covers_links:
            record.exploitation_links_findings = _seal(
                case, FamilyAssessment, "exploitation_links_findings", "No link found (fictional)."
            )
        record.save()
    person.refresh_from_db()
    return person


# --- Solutions --------------------------------------------------------------------------------
def planned(w: World, kind: str = SolutionType.RETURN, **values) -> DurableSolution:
    defaults: dict = {"details": "Fictional plan."}
    if kind == SolutionType.LOCAL_INTEGRATION:
        defaults["residence_status"] = "victim_permit"
    if kind == SolutionType.RESETTLEMENT:
        defaults["country"] = "CA"
    return services.solution_plan(
        actor=w.caseworker, case=w.case, kind=kind, at=NOW - 20 * DAY, **{**defaults, **values}
    )


def full_plan(w: World, solution: DurableSolution, **values) -> ReintegrationPlan:
    """A reintegration plan with everything R4 asks for; `values` take parts away."""
    services_confirmed = values.pop("services_confirmed", True)
    with_services = values.pop("with_services", True)
    plan = services.reintegration_plan_record(
        actor=w.caseworker, solution=solution, **{
            "receiving_agency_name": "Fictional Child Protection Office, Tangier", "caregiver": "Grandmother (fictional)",
            "caregiver_agreed_at": NOW - 6 * DAY, "caregiver_able": True, "escort": "Social worker, receiving office",
            "placement_abroad": False, "at": NOW - 6 * DAY, **values,
        },
    )  # fmt: skip
    if with_services:
        services.reintegration_service_record(
            actor=w.caseworker, plan=plan, need=ServiceNeed.EDUCATION, provider="Fictional school",
            confirmed=services_confirmed, at=NOW - 6 * DAY,
        )  # fmt: skip
    return plan


def return_ready(w: World, *, kind: str = SolutionType.RETURN, **values) -> DurableSolution:
    """A return (or other cross-border solution) with every prerequisite of the gate on file."""
    solution = planned(w, kind, **values)
    determination(w.case, w.supervisor, recommendation=kind)
    security(w.case, w.caseworker, country=solution.country)
    full_plan(w, solution)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    return solution


def release_ready(w: World, **adult_values) -> DurableSolution:
    person = adult(w.case, w.caseworker, relationship=Relationship.AUNT_OR_UNCLE, **adult_values)
    solution = planned(w, SolutionType.RELEASE_TO_ADULT, relative=person)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    return solution


# --- For walking a case along the workflow in other apps' tests ----------------------------------
def solution_in_place(case: Case, *, implemented: bool = False, at: datetime | None = None) -> DurableSolution:
    """The case's solution decided (or implemented), recorded directly: the one in the making,
    or a new local integration."""
    moment = at or timezone.now()
    solution = DurableSolution.objects.filter(case=case).exclude(status=SolutionStatus.WITHDRAWN).first()
    if solution is None:
        solution = DurableSolution.objects.create(
            case=case, kind=SolutionType.LOCAL_INTEGRATION, country=case.owning_agency.country,
            residence_status="victim_permit", planned_by=case.registered_by, planned_at=moment,
        )  # fmt: skip
    if solution.status == SolutionStatus.PLANNED:
        DurableSolution.objects.filter(pk=solution.pk).update(
            status=SolutionStatus.DECIDED, decided_by=case.registered_by, decided_at=moment
        )
    if implemented and solution.status in {SolutionStatus.PLANNED, SolutionStatus.DECIDED}:
        DurableSolution.objects.filter(pk=solution.pk).update(
            status=SolutionStatus.IMPLEMENTED, implemented_by=case.registered_by, implemented_at=moment
        )
    solution.refresh_from_db()
    return solution


def prepare_for(case: Case, transition: str) -> None:
    """Record what the solutions guards ask before `transition` (nothing for other moves)."""
    if transition == "implement_solution":
        solution_in_place(case)
    elif transition == "start_follow_up":
        solution_in_place(case, implemented=True)
