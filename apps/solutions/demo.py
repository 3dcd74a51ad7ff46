"""Fictional durable solutions for the demo cases beyond `durable_solution`, through the real gates.

Every person, place and decision here is invented. `seed_cases` stops these cases at
`durable_solution`; this seeder records, through each app's services, what the gates ask
for, then takes each case on to its target with `case_transition`, as a caseworker would:

- ALV-06 (target implementation): local integration with a victim's residence permit, on a
  court's best-interests decision, the guardian's opinion and the child's views;
- ALV-07 (target follow-up): local integration in his foster family, likewise, implemented;
- ALV-08 (target aftercare): release to her mother inside the country — identity and
  relationship verified, a family assessment covering links to the exploitation — with
  follow-up visits, the last one still ahead;
- ALV-09 (target closed): a return to the country of origin through the whole R4 gate (court
  decision recommending it, risk and security assessment, reintegration plan with a receiving
  agency, caregiver, confirmed services, escort, the child's views, the guardian's consent),
  every follow-up visit done, then aftercare and closure.

Needs the demo accounts, cases and guardianship (it runs after every other seed). Running it
again creates nothing: each record is looked for on its demo case first.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.bestinterests import services as bid_services
from apps.bestinterests.models import BestInterestsDetermination, DeterminationKind
from apps.cases.demo import DEMO_CHILDREN, MARKER_PREFIX, ORDER, STAFF, STEPS, DemoChild, demo_cases
from apps.cases.models import Case, CaseState, CaseTransition
from apps.cases.services import case_transition
from apps.family import services as family_services
from apps.family.models import (
    SECURITY_FACTORS,
    FamilyConclusion,
    Relationship,
    RiskSecurityAssessment,
    TracingNotDoneReason,
)
from apps.family.selectors import standing_not_done
from apps.guardianship.models import AppointmentKind, GuardianOpinion
from apps.guardianship.rules import needs_guardian
from apps.guardianship.selectors import active_appointment
from apps.guardianship.services import guardian_appoint, guardian_opinion_record
from apps.solutions import services
from apps.solutions.models import DurableSolution, FollowUpVisit, ServiceNeed, SolutionStatus, SolutionType
from apps.solutions.selectors import visit_done
from apps.voice.models import ChildViews
from apps.voice.services import child_views_record

S = CaseState
DAY = timedelta(days=1)
DEMO_GUARDIAN = "joana.lima"
REASONS = {name: reason for name, _target, reason in STEPS}


@dataclass(frozen=True)
class DemoSolutions:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    solutions: int
    follow_ups_done: int
    follow_ups_open: int
    moved: int

    def describe(self) -> str:
        return (
            f"Demo durable solutions ready ({self.created} new): {self.solutions} solutions, "
            f"{self.follow_ups_done} follow-up visits done and {self.follow_ups_open} ahead; "
            f"{self.moved} workflow moves made."
        )


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _supervisor(case: Case) -> User:
    return _user(STAFF[case.owning_agency.name].supervisor)


def _worker(case: Case) -> User:
    return case.assigned_caseworker or _supervisor(case)


def _since_durable_solution(case: Case) -> datetime:
    """When the case reached `durable_solution`: the story of its solution starts there."""
    return CaseTransition.objects.filter(case=case, name="seek_durable_solution").values_list("at", flat=True).get()


class _Story:
    """One case's solution, recorded once, at moments after it reached durable_solution."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.t0 = _since_durable_solution(case)
        self.worker = _worker(case)
        self.supervisor = _supervisor(case)
        self.created = 0

    def at(self, days: float) -> datetime:
        return self.t0 + timedelta(days=days)

    def guardian(self) -> User | None:
        """The active guardian at the start of the story; one is appointed if the child needs one."""
        appointment = active_appointment(case=self.case, at=self.at(0))
        if appointment is None and needs_guardian(self.case.child):
            appointment = guardian_appoint(actor=self.supervisor, case=self.case, guardian=_user(DEMO_GUARDIAN),
                                           kind=AppointmentKind.QUALIFIED, at=self.case.identified_at + DAY)  # fmt: skip
            self.created += 1
        return appointment.guardian if appointment is not None else None

    def views(self, *, decision: str, subject: str, days: float, text: str) -> None:
        if not ChildViews.records.filter(case=self.case, decision=decision, subject=subject).exists():
            child_views_record(actor=self.worker, case=self.case, decision=decision, heard=True, subject=subject,
                               views=text, how_expressed="spoken", language="", objects=False, at=self.at(days))  # fmt: skip
            self.created += 1

    def opinion(self, guardian: User | None, *, decision: str, subject: str, days: float, text: str) -> None:
        if (
            guardian is None
            or GuardianOpinion.objects.filter(case=self.case, decision=decision, subject=subject).exists()
        ):
            return
        guardian_opinion_record(actor=guardian, case=self.case, decision=decision, subject=subject, opinion=text,
                                agrees=True, at=self.at(days))  # fmt: skip
        self.created += 1

    def court_decision(self, guardian: User | None, *, recommendation: str,
                       risk_assessment: RiskSecurityAssessment | None = None) -> BestInterestsDetermination:  # fmt: skip
        """A family court's best-interests decision recommending the solution, the child told."""
        existing = BestInterestsDetermination.objects.filter(case=self.case, recommendation=recommendation,
                                                             decided_at__isnull=False).first()  # fmt: skip
        if existing is not None:
            return existing
        bid = bid_services.determination_start(actor=self.worker, case=self.case, kind=DeterminationKind.AUTHORITY,
                                               at=self.at(1))  # fmt: skip
        bid_services.option_weigh(actor=self.worker, determination=bid, solution=recommendation,
                                  reasons_for="Fictional: stable, safe and wished for by the child.",
                                  reasons_against="Fictional: none outweighing.", at=self.at(1))  # fmt: skip
        extra: dict[str, Any] = (
            {"risk_assessment": risk_assessment} if risk_assessment is not None
            else {"no_risk_assessment_reason": "Fictional: the child stays in the country; no move is assessed."}
        )  # fmt: skip
        bid_services.determination_update(
            actor=self.worker, determination=bid, recommendation=recommendation,
            reasons="Fictional reasons of the family court.", authority_name="Alvora Family Court (fictional)",
            authority_reference=f"AFC-{self.case.reference}", authority_decided_on=self.at(3).date(), **extra,
        )  # fmt: skip
        self.opinion(guardian, decision="bid", subject=str(bid.pk), days=2, text="Fictional: I support it.")
        self.views(decision="bid", subject=str(bid.pk), days=2, text="Fictional: this is what I want.")
        if not standing_not_done(case=self.case, at=self.at(2)).exists():
            family_services.tracing_not_done_record(
                actor=self.worker, case=self.case, reason=TracingNotDoneReason.CHILD_REFUSES,
                explanation="Fictional: the young person asked that no one be contacted.", at=self.at(2),
            )  # fmt: skip
        bid = bid_services.determination_decide(actor=self.worker, determination=bid, at=self.at(3))
        bid = bid_services.determination_child_told(actor=self.worker, determination=bid, how="Fictional: told in "
                                                    "person with the guardian; shown how to ask for a review.",
                                                    review_explained=True, at=self.at(4))  # fmt: skip
        self.created += 1
        return bid

    def solution(self, kind: str, make: Callable[[], DurableSolution]) -> DurableSolution:
        found = DurableSolution.objects.filter(case=self.case, kind=kind).exclude(status=SolutionStatus.WITHDRAWN)
        solution = found.first()
        if solution is None:
            solution = make()
            self.created += 1
        return solution

    def decide_and_implement(self, solution: DurableSolution) -> DurableSolution:
        if solution.status == SolutionStatus.PLANNED:
            solution = services.solution_decide(actor=self.supervisor, solution=solution, at=self.at(7),
                                                reason="Fictional: every condition on file.")  # fmt: skip
        if solution.status == SolutionStatus.DECIDED:
            solution = services.solution_implement(actor=self.worker, solution=solution, at=self.at(8))
        return solution


def _local_integration(story: _Story, *, residence: str) -> DurableSolution:
    guardian = story.guardian()
    story.court_decision(guardian, recommendation=SolutionType.LOCAL_INTEGRATION)
    solution = story.solution(SolutionType.LOCAL_INTEGRATION, lambda: services.solution_plan(
        actor=story.worker, case=story.case, kind=SolutionType.LOCAL_INTEGRATION, residence_status=residence,
        details="Fictional: stays in Alvora, school and training continue.", at=story.at(5),
    ))  # fmt: skip
    subject = str(solution.pk)
    story.views(decision="durable_solution", subject=subject, days=5.5, text="Fictional: I want to stay here.")
    story.opinion(guardian, decision="durable_solution", subject=subject, days=5.5, text="Fictional: I agree.")
    return story.decide_and_implement(solution)


def _release_to_mother(story: _Story) -> DurableSolution:
    def plan() -> DurableSolution:
        mother = family_services.relative_record(
            actor=story.worker, case=story.case, relationship=Relationship.MOTHER, names="Fictional mother",
            country=story.case.owning_agency.country, whereabouts="Fictional street, Alvora", at=story.at(1),
        )  # fmt: skip
        family_services.relative_identity_verify(actor=story.worker, relative=mother, method="identity_document",
                                                 note="Fictional: citizen card seen.", at=story.at(2))  # fmt: skip
        family_services.relative_relationship_verify(actor=story.worker, relative=mother, method="civil_registry",
                                                     note="Fictional: birth record checked.", at=story.at(2))  # fmt: skip
        family_services.family_assessment_complete(
            actor=story.worker, relative=mother, situation="Fictional: mother and younger brother at home.",
            income_and_housing="Fictional: stable work and a flat.", school_and_health_access="Fictional: both nearby.",
            covers_exploitation_links=True, exploitation_links_findings="Fictional: no link to the men convicted.",
            conclusion=FamilyConclusion.SUITABLE_WITH_SUPPORT, support_needed="Fictional: family support at home.",
            at=story.at(3),
        )  # fmt: skip
        return services.solution_plan(actor=story.worker, case=story.case, kind=SolutionType.RELEASE_TO_ADULT,
                                      relative=mother, details="Fictional: home to her mother.", at=story.at(4))  # fmt: skip

    guardian = story.guardian()
    solution = story.solution(SolutionType.RELEASE_TO_ADULT, plan)
    subject = str(solution.pk)
    story.views(decision="release_to_adult", subject=subject, days=5, text="Fictional: I want to go home to my mum.")
    story.opinion(guardian, decision="release_to_adult", subject=subject, days=5, text="Fictional: I agree.")
    return story.decide_and_implement(solution)


def _return_home(story: _Story) -> DurableSolution:
    guardian = story.guardian()
    country = story.case.child.country_of_origin
    assessment = RiskSecurityAssessment.objects.filter(case=story.case, country=country).first()
    if assessment is None:
        assessment = family_services.security_assessment_complete(
            actor=story.worker, case=story.case, country=country, safe=True, serious_harm_found=False,
            findings={name: f"Fictional finding on {label}." for name, label in SECURITY_FACTORS},
            sources="Fictional: counterpart agency report.", at=story.at(0.5),
        )  # fmt: skip
        story.created += 1
    story.court_decision(guardian, recommendation=SolutionType.RETURN, risk_assessment=assessment)

    def plan() -> DurableSolution:
        solution = services.solution_plan(actor=story.worker, case=story.case, kind=SolutionType.RETURN,
                                          details="Fictional: back to his parents' village.", at=story.at(5))  # fmt: skip
        plan = services.reintegration_plan_record(
            actor=story.worker, solution=solution, receiving_agency_name="Fictional Child Protection Directorate, Iasi",
            caregiver="Fictional: his parents, at home.", caregiver_agreed_at=story.at(5), caregiver_able=True,
            escort="Fictional: social worker of the receiving directorate", at=story.at(5),
        )  # fmt: skip
        for need in (ServiceNeed.EDUCATION, ServiceNeed.PSYCHOSOCIAL):
            services.reintegration_service_record(actor=story.worker, plan=plan, need=need, provider="Fictional",
                                                  confirmed=True, at=story.at(5))  # fmt: skip
        return solution

    solution = story.solution(SolutionType.RETURN, plan)
    subject = str(solution.pk)
    story.views(decision="durable_solution", subject=subject, days=5.5, text="Fictional: I want to go home.")
    story.opinion(guardian, decision="durable_solution", subject=subject, days=5.5, text="Fictional: I consent.")
    return story.decide_and_implement(solution)


def _visits_due_by(story: _Story, solution: DurableSolution, until: datetime) -> int:
    """Record every follow-up visit due by `until` (each on its due day)."""
    recorded = 0
    for visit in FollowUpVisit.objects.filter(solution=solution, due_at__lte=until).exclude(visit_done()):
        services.follow_up_record(actor=story.worker, visit=visit, outcome="safe_and_well", visited_at=visit.due_at,
                                  visited_by="Fictional: receiving social worker", notes="Fictional: settled, at school.",
                                  at=visit.due_at)  # fmt: skip
        recorded += 1
    return recorded


def _move_on(demo: DemoChild, case: Case, at: Callable[[str], datetime], before: Callable[[str], None]) -> int:
    """Take the case along the main path to its target, one recorded transition at a time."""
    moved = 0
    while ORDER.index(S(case.state)) < ORDER.index(demo.target):
        name = STEPS[ORDER.index(S(case.state))][0]
        before(name)
        case = case_transition(
            actor=_supervisor(case) if name == "close" else _worker(case), case=case, transition=name,
            expected_version=case.version, reason=REASONS[name], at=at(name),
        )  # fmt: skip
        moved += 1
    return moved


@transaction.atomic
def seed_solutions(*, now: datetime | None = None) -> DemoSolutions:
    """Bring the demo cases targeted beyond durable_solution to their targets through the gates."""
    now = now or timezone.now()
    created = moved = 0
    targets = {
        child.key: child for child in DEMO_CHILDREN if ORDER.index(child.target) > ORDER.index(S.DURABLE_SOLUTION)
    }
    for key, demo in targets.items():
        case = _case(key)
        if ORDER.index(S(case.state)) < ORDER.index(S.DURABLE_SOLUTION):
            continue  # seed_cases has not brought it this far
        story = _Story(case)
        if key == "ALV-09":
            solution = _return_home(story)
        elif key == "ALV-08":
            solution = _release_to_mother(story)
        else:
            solution = _local_integration(story, residence="victim_permit")
        done = _visits_due_by(story, solution, min(now, story.at(8) + timedelta(days=400)))
        # The moves after implementation, spread between it and now.
        times = {"implement_solution": story.at(8), "start_follow_up": story.at(9)}
        last_visit = (
            FollowUpVisit.objects.filter(solution=solution).filter(visit_done()).order_by("-visited_at").first()
        )
        after = max(story.at(10), last_visit.visited_at + DAY if last_visit and last_visit.visited_at else story.at(10))
        times["move_to_aftercare"] = min(after, now - 2 * DAY)
        times["close"] = min(after + DAY, now - DAY)

        def before(name: str, story: _Story = story, closing: datetime = times["close"]) -> None:
            if name == "close":  # the young person's views on closing (R6)
                story.views(decision="closure", subject="", days=(closing - story.t0).days - 0.5,
                            text="Fictional: I am ready; I know whom to call.")  # fmt: skip

        moved += _move_on(demo, _case(key), times.__getitem__, before)
        created += story.created + done
    ours = DurableSolution.objects.filter(case__in=demo_cases())
    visits = FollowUpVisit.objects.filter(solution__in=ours)
    return DemoSolutions(
        created=created, solutions=ours.count(), follow_ups_done=visits.filter(visit_done()).count(),
        follow_ups_open=visits.exclude(visit_done()).count(), moved=moved,
    )  # fmt: skip
