"""Fictional best-interests records for the demo cases, made only through the services.

Every person, reason and decision here is invented. Needs the demo accounts, cases,
guardians (apps.guardianship.demo) and families (apps.family.demo: the risk and security
assessment for ALV-05's return country). Runs before apps.solutions.demo, which makes its
own court decisions on ALV-06, ALV-07 and ALV-09. Running it again creates nothing: each
record is looked for on its demo case first.

- BIAs completed for ALV-05, MON-01 and MON-03 (the guardian's opinion recorded first); a
  draft for ALV-02.
- ALV-05 (transnational): a panel of three from three disciplines, each undertaking signed,
  recommends return to his grandmother in Romania; approved by the supervisor, who did not
  sit on it; the child told.
- MON-03: the family court's reasoned decision for local integration, recorded instead.
- MON-01: the family court's decision, under review at the guardian's request.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.bestinterests import services
from apps.bestinterests.models import (
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    DeterminationKind,
    Discipline,
    SolutionKind,
)
from apps.cases.demo import MARKER_PREFIX, STAFF, demo_cases
from apps.cases.models import Case
from apps.family.models import RiskSecurityAssessment, TracingNotDoneReason
from apps.family.selectors import standing_not_done
from apps.family.services import tracing_not_done_record
from apps.guardianship.models import GuardianOpinion
from apps.guardianship.selectors import active_appointment
from apps.guardianship.services import guardian_opinion_record
from apps.voice.models import ChildViews
from apps.voice.services import child_views_record

BIA_TEXT = {
    "needs": "Fictional: stable home, schooling in his language, counselling twice a week.",
    "safety": "Fictional: no contact from the recruiter since placement; phone use agreed with him.",
    "family": "Fictional: a grandmother asks for him; parents' whereabouts unknown.",
    "health": "Fictional: treated for an untreated injury; sleeps badly.",
    "education": "Fictional: attends the care home's classes; wants to finish school.",
    "child_views": "Fictional: wants to be safe, to study and to see his grandmother.",
}


@dataclass(frozen=True)
class DemoBestInterests:
    """What the demo holds afterwards: counts only, never a child's data."""

    created: int
    assessments: int
    determinations: int
    in_force: int
    reviews: int

    def describe(self) -> str:
        return (
            f"Demo best-interests records ready ({self.created} new): {self.assessments} assessments, "
            f"{self.determinations} determinations ({self.in_force} in force), {self.reviews} reviews requested."
        )


def _case(key: str) -> Case:
    return demo_cases().select_related("child", "owning_agency").get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def _user(login: str) -> User:
    return User.objects.get(email=f"{login}@{DEMO_DOMAIN}")


def _worker(case: Case) -> User:
    return case.assigned_caseworker or _user(STAFF[case.owning_agency.name].supervisor)


def _guardian(case: Case, at: datetime) -> User | None:
    appointment = active_appointment(case=case, at=at)
    return appointment.guardian if appointment is not None else None


def _opinion(case: Case, *, decision: str, subject: str, at: datetime, text: str) -> None:
    guardian = _guardian(case, at)
    if guardian is not None and not GuardianOpinion.objects.filter(case=case, decision=decision,
                                                                   subject=subject).exists():  # fmt: skip
        guardian_opinion_record(actor=guardian, case=case, decision=decision, subject=subject, opinion=text,
                                agrees=True, at=at)  # fmt: skip


def _views(case: Case, *, subject: str, at: datetime, text: str) -> None:
    if not ChildViews.records.filter(case=case, decision="bid", subject=subject).exists():
        child_views_record(actor=_worker(case), case=case, decision="bid", heard=True, subject=subject, views=text,
                           how_expressed="spoken", language="", objects=False, at=at)  # fmt: skip


def _tracing_accounted_for(case: Case, at: datetime) -> None:
    if not standing_not_done(case=case, at=at).exists():
        tracing_not_done_record(actor=_worker(case), case=case, reason=TracingNotDoneReason.CHILD_REFUSES,
                                explanation="Fictional: the child asked that no one be contacted for now.",
                                at=at)  # fmt: skip


def _bia(case: Case, *, at: datetime, complete: bool) -> int:
    if BestInterestsAssessment.objects.filter(case=case).exists():
        return 0
    worker = _worker(case)
    bia = services.bia_start(actor=worker, case=case, at=at)
    sections = BIA_TEXT if complete else {"needs": BIA_TEXT["needs"]}
    services.bia_update(actor=worker, assessment=bia, sections=sections)
    if complete:
        _opinion(case, decision="bia", subject=str(bia.pk), at=at, text="Fictional: a fair picture of his needs.")
        services.bia_complete(actor=worker, assessment=bia, at=at)
    return 1


def _panel_return(case: Case, now: datetime) -> int:
    """ALV-05: a panel recommends return to his grandmother; approved; the child told."""
    if BestInterestsDetermination.objects.filter(case=case).exists():
        return 0
    worker, at = _worker(case), now - timedelta(days=8)
    bid = services.determination_start(actor=worker, case=case, kind=DeterminationKind.PANEL, at=at)
    panel = [(worker, Discipline.SOCIAL_WORK), (_user("carla.mendes"), Discipline.LAW),
             (_user("sofia.pinto"), Discipline.CHILD_PROTECTION)]  # fmt: skip
    for member, discipline in panel:
        services.panel_member_add(actor=worker, determination=bid, member=member, discipline=discipline, at=at)
        services.undertaking_sign(actor=member, determination=bid, at=at)
    services.option_weigh(
        actor=worker, determination=bid, solution=SolutionKind.RETURN,
        reasons_for="Fictional: his grandmother can care for him; school place confirmed; he wishes it.",
        reasons_against="Fictional: the uncle under investigation lives in the same county.", at=at,
    )  # fmt: skip
    services.option_weigh(
        actor=worker, determination=bid, solution=SolutionKind.LOCAL_INTEGRATION,
        reasons_for="Fictional: settled at school here.",
        reasons_against="Fictional: no family here; he asks to go home.", at=at,
    )  # fmt: skip
    risk = RiskSecurityAssessment.objects.filter(case=case, country="RO").order_by("-completed_at").first()
    extra: dict[str, Any] = (
        {"risk_assessment": risk} if risk is not None else {"no_risk_assessment_reason": "Fictional: pending."}
    )
    services.determination_update(
        actor=worker, determination=bid, recommendation=SolutionKind.RETURN,
        reasons="Fictional: a safe, loving home with his grandmother outweighs the remaining risk, which the "
        "counterpart's follow-up visits address.", **extra,
    )  # fmt: skip
    _opinion(case, decision="bid", subject=str(bid.pk), at=at, text="Fictional: I agree, with follow-up visits.")
    _views(case, subject=str(bid.pk), at=at, text="Fictional: I want to live with my grandmother.")
    _tracing_accounted_for(case, at)
    services.determination_decide(actor=worker, determination=bid, at=now - timedelta(days=6))
    services.determination_approve(
        actor=_user(STAFF[case.owning_agency.name].supervisor), determination=bid, at=now - timedelta(days=5)
    )
    services.determination_child_told(
        actor=worker, determination=bid, how="Fictional: told in person with his guardian and an interpreter; "
        "given the review form and shown how to ask for a review.", review_explained=True,
        at=now - timedelta(days=4),
    )  # fmt: skip
    return 1


def _court(case: Case, now: datetime, *, recommendation: str, reference: str) -> BestInterestsDetermination | None:
    """The family court's reasoned decision, recorded instead of a panel's."""
    if BestInterestsDetermination.objects.filter(case=case).exists():
        return None
    worker, at = _worker(case), now - timedelta(days=7)
    bid = services.determination_start(actor=worker, case=case, kind=DeterminationKind.AUTHORITY, at=at)
    services.option_weigh(actor=worker, determination=bid, solution=recommendation,
                          reasons_for="Fictional: stable, safe and wished for by the child.",
                          reasons_against="Fictional: none outweighing.", at=at)  # fmt: skip
    services.determination_update(
        actor=worker, determination=bid, recommendation=recommendation, reasons="Fictional reasons of the court.",
        authority_name="Montalba Family Court (fictional)", authority_reference=reference,
        authority_decided_on=(now - timedelta(days=6)).date(),
        no_risk_assessment_reason="Fictional: the child stays in the country; no move is assessed.",
    )  # fmt: skip
    _opinion(case, decision="bid", subject=str(bid.pk), at=at, text="Fictional: I support the court's decision.")
    _views(case, subject=str(bid.pk), at=at, text="Fictional: I want to stay with my foster family.")
    _tracing_accounted_for(case, at)
    return services.determination_decide(actor=worker, determination=bid, at=now - timedelta(days=6))


@transaction.atomic
def seed_bestinterests(*, now: datetime | None = None) -> DemoBestInterests:
    now = now or timezone.now()
    created = 0
    for key in ("ALV-05", "MON-01", "MON-03"):
        created += _bia(_case(key), at=now - timedelta(days=12), complete=True)
    created += _bia(_case("ALV-02"), at=now - timedelta(days=2), complete=False)
    created += _panel_return(_case("ALV-05"), now)
    mon03 = _case("MON-03")
    created += int(_court(mon03, now, recommendation=SolutionKind.LOCAL_INTEGRATION, reference="MFC-203") is not None)
    mon01 = _case("MON-01")
    under_review = _court(mon01, now, recommendation=SolutionKind.LOCAL_INTEGRATION, reference="MFC-101")
    if under_review is not None:
        created += 1
        guardian = _guardian(mon01, now) or _worker(mon01)
        services.determination_review_request(
            actor=guardian, determination=under_review,
            reason="Fictional: her mother has come forward in the country and asks to care for her.",
            at=now - timedelta(days=1),
        )  # fmt: skip
    ids = demo_cases().values("pk")
    determinations = BestInterestsDetermination.objects.filter(case__in=ids)
    return DemoBestInterests(
        created=created,
        assessments=BestInterestsAssessment.objects.filter(case__in=ids).count(),
        determinations=determinations.count(),
        in_force=sum(
            1 for case in Case.objects.filter(pk__in=determinations.values("case"))
            if _in_force(case, now)
        ),
        reviews=BestInterestsReview.objects.filter(case__in=ids).count(),
    )  # fmt: skip


def _in_force(case: Case, now: datetime) -> bool:
    from apps.bestinterests.selectors import current_determination

    return current_determination(case=case, at=now) is not None
