"""The gates of R4 (and R1, R6, R7 before a durable solution), one small function each.

`solution_gate` is what deciding a durable solution or a release asks; it composes the
conditions that apply to that kind of move and adds every missing one to one collector:

- always: an active representative or guardian for a child who needs one (GUARDIAN_REQUIRED);
- a release to an adult inside the country: the child's views on the release, and the adult's
  identity, relationship, no standing suspicion of a link to the exploitation, a family
  assessment covering those links (that does not find the home unsuitable) and the guardian's
  opinion (RELEASE_REQUIRES_VERIFICATION; the adult's part is `apps.family.rules.release_verified`);
- a durable solution inside the country (local integration, reunification in the country): the
  child's views (CHILD_VIEWS_REQUIRED), a determination that recommends it (BID_REQUIRED —
  except the lighter path for reunification with a parent, R7), and the guardian's opinion
  (GUARDIAN_OPINION_REQUIRED; for a reunification the release's own verification, which
  includes it);
- a return, a resettlement and a reunification abroad: all of R4's return gate — the approved
  determination recommending this move, a risk and security assessment in date finding it
  safe, the reintegration plan, the child's views and the guardian's consent with any
  objection addressed, and no protection claim or finding of serious harm concerning the
  destination — and, for a reunification, the whole verification of the relative (a
  "relative" can be a trafficker, abroad too).

`cross_border_move_allowed` is the public entry for every other move of the child across a
border (a placement abroad, a transfer, a guardianship handover that takes the child there):
the move must be the one a decided durable solution for that country decided, and that
solution's whole gate must still hold at the moment of the move.

The guardian's opinion or consent counts only when the guardian active at the moment gave it:
an opinion of a guardian since handed over, or ended, speaks for nobody.
"""

from datetime import datetime, timedelta

from django.conf import settings

from apps.bestinterests.models import BestInterestsDetermination
from apps.bestinterests.rules import determination_in_place, lighter_path_applies
from apps.bestinterests.selectors import latest_decided_determination
from apps.cases.models import Case
from apps.core.rules import Violations
from apps.family.rules import origin_countries, release_verified
from apps.family.selectors import current_security_assessment
from apps.guardianship.models import GuardianOpinion
from apps.guardianship.rules import guardian_opinion_recorded, guardian_present, needs_guardian
from apps.guardianship.selectors import active_appointment, active_appointments
from apps.rights.selectors import protection_status
from apps.solutions.models import (
    CROSS_BORDER_TYPES,
    WITH_AN_ADULT_TYPES,
    DurableSolution,
    ReintegrationPlan,
    SolutionStatus,
    SolutionType,
)
from apps.voice.rules import child_views_recorded
from apps.voice.selectors import latest_child_views


def crosses_border(solution: DurableSolution) -> bool:
    """A return, a resettlement, or any solution whose country is not the owning agency's."""
    return solution.kind in CROSS_BORDER_TYPES or solution.country != solution.case.owning_agency.country


def _action(solution: DurableSolution) -> str:
    return str(solution.get_kind_display()).lower()


def _guardian_speaks_for(case: Case, at: datetime) -> bool:
    """The guardian's opinion or consent is asked for a child who needs a guardian, and for
    any child who has one."""
    return needs_guardian(case.child) or active_appointment(case=case, at=at) is not None


def _latest_opinion(solution: DurableSolution, at: datetime) -> GuardianOpinion | None:
    """The latest opinion on this solution given by a guardian of the child who is still acting
    at `at`: the guardian's own record (guardianship's `guardian_opinion_record`), never a
    caseworker's tick, and never the word of a guardian since handed over or ended."""
    acting = active_appointments(at=at).filter(case_id=solution.case_id).values("pk")
    return (
        GuardianOpinion.objects.filter(
            case_id=solution.case_id,
            decision=solution.guardian_decision,
            subject=str(solution.pk),
            recorded_at__lte=at,
            appointment__in=acting,
        )
        .order_by("-recorded_at", "-pk")
        .first()
    )


# --- R4: the return gate ----------------------------------------------------------------------
def bid_recommends_move(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """RETURN_REQUIRES_BID: a decided determination, approved when a panel made it, that
    recommends this very kind of solution."""
    determination = latest_decided_determination(case=solution.case, at=at)
    if determination is None:
        found.add("RETURN_REQUIRES_BID")
        return
    approved = determination.approved_at is not None and determination.approved_at <= at
    found.check(not determination.needs_approval or approved, "RETURN_REQUIRES_BID.NOT_APPROVED")
    found.check(determination.recommendation == solution.kind, "RETURN_REQUIRES_BID.DOES_NOT_RECOMMEND")


def security_assessed_safe(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """RETURN_REQUIRES_RISK_ASSESSMENT: the latest assessment for the destination, completed
    within HAVEN_SECURITY_ASSESSMENT_VALID_DAYS (and before its own expiry), finding it safe."""
    assessment = current_security_assessment(case=solution.case, country=solution.country, at=at)
    if assessment is None:
        found.add("RETURN_REQUIRES_RISK_ASSESSMENT")
        return
    days = settings.HAVEN_SECURITY_ASSESSMENT_VALID_DAYS
    in_date = assessment.expires_at > at and assessment.completed_at + timedelta(days=days) > at
    found.check(in_date, "RETURN_REQUIRES_RISK_ASSESSMENT.EXPIRED", days=days)
    found.check(assessment.safe, "RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE")


def reintegration_planned(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """RETURN_REQUIRES_REINTEGRATION_PLAN: a receiving agency, a caregiver named who agreed and is
    able, every service the child needs confirmed before departure, an escort, and for a
    placement in care abroad the receiving state's consultation."""
    plan = ReintegrationPlan.objects.filter(solution=solution).first()
    if plan is None:
        found.add("RETURN_REQUIRES_REINTEGRATION_PLAN")
        return
    found.check(plan.has_receiving_agency, "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_RECEIVING_AGENCY")
    caregiver = (
        plan.caregiver is not None
        and plan.caregiver_agreed_at is not None
        and plan.caregiver_agreed_at <= at
        and plan.caregiver_able is True
    )
    found.check(caregiver, "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER")
    confirmed = [s.confirmed_at is not None and s.confirmed_at <= at for s in plan.services.all()]
    found.check(bool(confirmed) and all(confirmed), "RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED")
    found.check(bool(plan.escort.strip()), "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_ESCORT")
    consulted = plan.state_consulted_at is not None and plan.state_consulted_at <= at
    found.check(not plan.placement_abroad or consulted, "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_STATE_CONSULTATION")


def views_and_consent(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """RETURN_REQUIRES_CHILD_VIEWS: the child's views recorded, the guardian's consent, and an
    objection answered by the determination (why it is still in their best interests) with
    the child told how to appeal."""
    case = solution.case
    views = latest_child_views(case=case, decision=solution.guardian_decision, subject=str(solution.pk), at=at)
    found.check(views is not None, "RETURN_REQUIRES_CHILD_VIEWS.NO_VIEWS")
    if _guardian_speaks_for(case, at):
        opinion = _latest_opinion(solution, at)
        found.check(opinion is not None and opinion.agrees is True, "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT")
    determination = latest_decided_determination(case=case, at=at)
    objects = bool(views is not None and views.objects) or bool(determination and determination.child_objects)
    if objects:
        found.check(_objection_addressed(determination, at), "RETURN_REQUIRES_CHILD_VIEWS.OBJECTION_NOT_ADDRESSED")


def _objection_addressed(determination: BestInterestsDetermination | None, at: datetime) -> bool:
    return (
        determination is not None
        and determination.objection_reasons is not None
        and determination.child_told_at is not None
        and determination.child_told_at <= at
    )


def claim_concerns(*, case: Case, country: str, kind: str) -> bool:
    """Whether a protection claim, refugee status or a non-refoulement finding concerns a move
    to `country`: they are about the country the child fled — of origin (habitual residence)
    or nationality (`apps.family.rules.origin_countries`, the same states R8 keeps away) —
    and a return goes there by definition, even when the case does not record it."""
    return kind == SolutionType.RETURN or country in origin_countries(case)


def no_protection_claim(found: Violations, *, case: Case, country: str, kind: str, at: datetime) -> None:
    """RETURN_BLOCKED_PROTECTION_CLAIM (non-refoulement) for a move to the country a claim or a
    risk finding concerns:
    - to the country of origin or nationality (`claim_concerns`): no pending claim, no refugee
      status, and no finding of a real risk of serious harm on return there;
    - to any country: no risk and security assessment for that country finding a real risk of
      serious harm.
    A resettlement or a reunification in a safe third country is not blocked by a claim about
    the country the child fled — a refugee is resettled elsewhere — and keeps every other
    condition of the gate."""
    assessment = current_security_assessment(case=case, country=country, at=at)
    harm = assessment is not None and assessment.serious_harm_found
    if claim_concerns(case=case, country=country, kind=kind):
        status = protection_status(case=case, at=at)
        found.check(not status.asylum_pending, "RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING")
        found.check(not status.refugee_status, "RETURN_BLOCKED_PROTECTION_CLAIM.REFUGEE_STATUS")
        harm = harm or status.serious_harm_found
    found.check(not harm, "RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM")


def return_gate(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """All of R4's return gate for a solution across a border, each condition with its own codes."""
    case = solution.case
    bid_recommends_move(found, solution=solution, at=at)
    security_assessed_safe(found, solution=solution, at=at)
    reintegration_planned(found, solution=solution, at=at)
    views_and_consent(found, solution=solution, at=at)
    no_protection_claim(found, case=case, country=solution.country, kind=solution.kind, at=at)


# Solutions whose decision stands: the move they decided may be carried out.
STANDING_SOLUTION = [SolutionStatus.DECIDED, SolutionStatus.IMPLEMENTED]


def cross_border_move_allowed(
    found: Violations, *, case: Case, country: str, at: datetime, solution: DurableSolution | None = None
) -> None:
    """R4's whole gate for any move of the child to `country` across a border — the departure
    of a decided solution, a placement abroad, a transfer of the case or a guardianship handover
    that takes the child there. Public: care, cases and guardianship call it before such a move.

    A move inside the owning agency's country asks nothing here. Otherwise the move must be the
    one a durable solution of this case for that country decided — `solution` when the caller
    names it, else the case's decided (or implemented) one for that country — and that
    solution's whole gate (`solution_gate`) must still hold at `at`: a risk assessment may have
    expired, or a claim been lodged, since the decision. Without one:
    RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION.
    """
    country = country.strip().upper()
    if country == case.owning_agency.country and (solution is None or not crosses_border(solution)):
        return
    if solution is None:
        solution = (
            DurableSolution.objects.filter(case=case, country=country, status__in=STANDING_SOLUTION)
            .select_related("case__child", "case__owning_agency", "relative")
            .order_by("-decided_at", "-pk")
            .first()
        )
    standing = (
        solution is not None
        and solution.case_id == case.pk
        and solution.country == country
        and solution.status in STANDING_SOLUTION
    )
    if solution is None or not standing:
        found.add("RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION", country=country)
        return
    solution_gate(found, solution=solution, at=at)


# --- R4: release to an adult -------------------------------------------------------------------
def guardian_opinion_on_release(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    if _guardian_speaks_for(solution.case, at):
        found.check(_latest_opinion(solution, at) is not None, "RELEASE_REQUIRES_VERIFICATION.GUARDIAN_OPINION")


# --- The gate of each kind of solution ---------------------------------------------------------
def _in_country(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    case = solution.case
    action = _action(solution)
    child_views_recorded(found, case=case, decision=solution.guardian_decision, at=at, subject=str(solution.pk))
    # A release and a reunification always name the adult (the database holds it).
    if solution.kind in WITH_AN_ADULT_TYPES and solution.relative is not None:
        release_verified(found, relative=solution.relative, at=at)
        guardian_opinion_on_release(found, solution=solution, at=at)
    else:
        guardian_opinion_recorded(
            found, case=case, decision=solution.guardian_decision, subject=str(solution.pk), action=action, at=at
        )
    if solution.kind == SolutionType.RELEASE_TO_ADULT:
        return  # not a durable solution: no determination is asked for
    lighter = (
        solution.kind == SolutionType.FAMILY_REUNIFICATION
        and solution.relative is not None
        and lighter_path_applies(case=case, relative=solution.relative, at=at)
    )
    if not lighter:
        determination_in_place(found, case=case, solution=solution.kind, at=at, action=action)


def solution_gate(found: Violations, *, solution: DurableSolution, at: datetime) -> None:
    """Everything deciding this solution needs, all missing conditions at once."""
    guardian_present(found, case=solution.case, action=_action(solution), at=at)
    if not crosses_border(solution):
        _in_country(found, solution=solution, at=at)
        return
    return_gate(found, solution=solution, at=at)
    if solution.kind == SolutionType.FAMILY_REUNIFICATION and solution.relative is not None:
        # The whole verification of the relative, abroad too: "inside the country too" (R4)
        # says a release abroad needs it as well. The guardian's say is the consent above.
        release_verified(found, relative=solution.relative, at=at)
