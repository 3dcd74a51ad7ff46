"""Fictional notes, a care plan and a case conference for the demo cases, through the services.

Needs the demo accounts, cases and guardians (seed_accounts, seed_cases, seed_guardianship).
On ALV-02: notes at each access level (one corrected), a care plan with goals, actions and
reviews (one past its date, so CARE_PLAN_REVIEW_DUE is raised), and a case conference held at
his guardian's request. Running it again creates nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import Agency, User
from apps.cases.demo import MARKER_PREFIX, demo_cases
from apps.cases.models import Case
from apps.casework import services
from apps.casework.models import (
    CarePlanGoal,
    CaseConference,
    CaseNote,
    GoalArea,
    GoalStatus,
    NoteAccess,
    Responsible,
)
from apps.casework.services import DecisionInput, Who


@dataclass(frozen=True)
class DemoCasework:
    """What the demo holds afterwards: counts only."""

    created: int
    notes: int
    goals: int
    conferences: int

    def describe(self) -> str:
        return (
            f"Demo casework ready ({self.created} new): {self.notes} notes, {self.goals} care plan goals, "
            f"{self.conferences} case conferences."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _notes(case: Case, now: datetime) -> None:
    worker, boss = _user("tomas.neves"), _user("marta.sousa")
    first = services.note_write(
        actor=worker, case=case, access=NoteAccess.ORDINARY, not_investigative=True, at=now - timedelta(days=30),
        body="Visited at Casa Aurora. He plays football on Saturdays and asked for Spanish books.",
    )  # fmt: skip
    services.note_write(
        actor=worker, case=case, access=NoteAccess.ORDINARY, not_investigative=True, supersedes=first,
        at=now - timedelta(days=29),
        body="Visited at Casa Aurora. He plays football on Sundays (not Saturdays) and asked for Spanish books.",
    )  # fmt: skip
    services.note_write(
        actor=worker, case=case, access=NoteAccess.TEAM, not_investigative=True, at=now - timedelta(days=20),
        body="He is anxious before the hearings; keep the same interpreter each time.",
    )  # fmt: skip
    services.note_write(
        actor=boss, case=case, access=NoteAccess.SUPERVISORS, not_investigative=True, at=now - timedelta(days=10),
        body="A visitor claiming to be an uncle asked for him at the home; visits only with staff present.",
    )  # fmt: skip


def _care_plan(case: Case, now: datetime) -> None:
    worker = _user("tomas.neves")
    school = services.care_plan_goal_set(actor=worker, case=case, area=GoalArea.EDUCATION, at=now - timedelta(days=60),
                                         text="Back in school, in a class with Spanish support.")  # fmt: skip
    services.care_plan_goal_status_set(actor=worker, goal=school, status=GoalStatus.IN_PROGRESS,
                                       at=now - timedelta(days=40))  # fmt: skip
    health = services.care_plan_goal_set(actor=worker, case=case, area=GoalArea.HEALTH, at=now - timedelta(days=60),
                                         text="Dental treatment completed.")  # fmt: skip
    enrol = services.care_plan_action_add(
        actor=worker, case=case, goal=school, text="Enrol him at the Alvora secondary school.",
        who=Who(Responsible.PERSON, person=worker), due_on=(now - timedelta(days=45)).date(),
        at=now - timedelta(days=60),
    )  # fmt: skip
    services.care_plan_action_done(actor=worker, action=enrol, at=now - timedelta(days=47))
    services.care_plan_action_add(
        actor=worker, case=case, goal=health, text="Book and attend the dentist.",
        who=Who(Responsible.AGENCY, agency=Agency.objects.get(name="Alvora General Hospital — Paediatrics")),
        due_on=(now + timedelta(days=14)).date(), at=now - timedelta(days=60),
    )  # fmt: skip
    services.care_plan_review_schedule(actor=worker, case=case, due_on=(now - timedelta(days=3)).date(),
                                       at=now - timedelta(days=60))  # fmt: skip
    services.care_plan_review_schedule(actor=worker, case=case, due_on=(now + timedelta(days=90)).date(),
                                       at=now - timedelta(days=60))  # fmt: skip


def _conference(case: Case, now: datetime) -> None:
    worker, guardian = _user("tomas.neves"), _user("elena.vidal")
    request = services.conference_request(actor=guardian, case=case, at=now - timedelta(days=16),
                                          reason="He wants to talk about moving to a foster family.")  # fmt: skip
    services.conference_record(
        actor=worker, case=case, held_at=now - timedelta(days=9), participants=[worker, guardian, _user("marta.sousa")],
        outside_participants=[("Dr Rita Gomes", "Alvora General Hospital — Paediatrics")],
        agencies=list(Agency.objects.filter(name__in=["Casa Aurora Children's Home", "Safe Passage"])),
        summary="He was heard first, with his interpreter. Everyone agreed to look for a Spanish-speaking family.",
        decisions=[
            DecisionInput("Search for a Spanish-speaking foster family.", Who(Responsible.PERSON, person=worker),
                          (now + timedelta(days=30)).date()),
            DecisionInput("Tell him each week how the search is going.", Who(Responsible.GUARDIAN),
                          (now + timedelta(days=7)).date()),
        ],
        request=request, at=now - timedelta(days=9),
    )  # fmt: skip


@transaction.atomic
def seed_casework(*, now: datetime | None = None) -> DemoCasework:
    now = now or timezone.now()
    created = 0
    muhammad = _case("ALV-02")
    for model, make in ((CaseNote, _notes), (CarePlanGoal, _care_plan), (CaseConference, _conference)):
        if not model._default_manager.filter(case=muhammad).exists():
            make(muhammad, now)
            created += 1
    services.care_plan_reviews_alert(at=now)
    ids = demo_cases().values("pk")
    return DemoCasework(
        created=created,
        notes=CaseNote.objects.filter(case__in=ids).count(),
        goals=CarePlanGoal.objects.filter(case__in=ids).count(),
        conferences=CaseConference.objects.filter(case__in=ids).count(),
    )
