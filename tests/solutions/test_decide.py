"""Deciding a durable solution or a release: every code of its gate refused and allowed,
through the services, with all missing conditions in one refusal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from apps.alerts.models import Alert
from apps.cases.services import child_facts_update
from apps.core.rules import RuleViolation, Violations
from apps.family.models import FamilyConclusion, Relationship
from apps.family.services import relative_suspected_link_set
from apps.guardianship.models import GuardianAppointment
from apps.guardianship.services import guardian_opinion_record
from apps.solutions import rules, services
from apps.solutions.models import DurableSolution, FollowUpVisit, SolutionStatus, SolutionType
from tests.guardianship.factories import sealed_reason
from tests.solutions.factories import (
    DAY,
    NOW,
    adult,
    asylum_pending,
    child_says,
    determination,
    full_plan,
    guardian_for,
    guardian_says,
    planned,
    refugee,
    release_ready,
    return_ready,
    security,
    serious_harm_finding,
    world,
)

pytestmark = pytest.mark.django_db


def decide(w, solution):
    return services.solution_decide(actor=w.supervisor, solution=solution, reason="All in place.", at=NOW)


def refused(w, solution) -> list[str]:
    with pytest.raises(RuleViolation) as refusal:
        decide(w, solution)
    assert DurableSolution.objects.get(pk=solution.pk).status == SolutionStatus.PLANNED
    return refusal.value.codes


# --- Who decides --------------------------------------------------------------------------------
def test_a_return_with_everything_on_file_is_decided_by_a_supervisor():
    w = world()
    solution = return_ready(w)
    decided = decide(w, solution)
    assert (decided.status, decided.decided_by, decided.decided_at) == (SolutionStatus.DECIDED, w.supervisor, NOW)


def test_a_caseworker_may_not_decide():
    w = world()
    solution = return_ready(w)
    with pytest.raises(PermissionDenied):
        services.solution_decide(actor=w.caseworker, solution=solution, at=NOW)


def test_a_supervisor_of_another_agency_gets_not_found():
    from django.http import Http404

    w, other = world(), world()
    with pytest.raises(Http404):
        services.solution_decide(actor=other.supervisor, solution=return_ready(w), at=NOW)


# --- The return gate (R4), code by code ---------------------------------------------------------
def test_nothing_on_file_lists_every_missing_condition_at_once():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    assert set(refused(w, solution)) == {
        "RETURN_REQUIRES_BID", "RETURN_REQUIRES_RISK_ASSESSMENT", "RETURN_REQUIRES_REINTEGRATION_PLAN",
        "RETURN_REQUIRES_CHILD_VIEWS.NO_VIEWS", "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT",
    }  # fmt: skip


def test_no_guardian_is_guardian_required():
    w = world()
    solution = return_ready(w)
    GuardianAppointment.objects.filter(case=w.case).update(
        ends_at=NOW - DAY, end_reason=sealed_reason(w.case, "Fictional: moved away.")
    )
    assert "GUARDIAN_REQUIRED" in refused(w, solution)


def test_a_determination_not_approved_and_recommending_something_else():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    determination(w.case, w.supervisor, recommendation=SolutionType.LOCAL_INTEGRATION, approved=False)
    codes = refused(w, solution)
    assert {"RETURN_REQUIRES_BID.NOT_APPROVED", "RETURN_REQUIRES_BID.DOES_NOT_RECOMMEND"} <= set(codes)
    assert "RETURN_REQUIRES_BID" not in codes


def test_a_court_decision_needs_no_approval():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    determination(w.case, w.supervisor, recommendation=SolutionType.RETURN, kind="authority", approved=False)
    security(w.case, w.caseworker)
    full_plan(w, solution)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_an_expired_or_unsafe_risk_assessment():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    security(w.case, w.caseworker, safe=False, completed_at=NOW - 120 * DAY, valid_days=200)
    codes = refused(w, solution)
    assert {"RETURN_REQUIRES_RISK_ASSESSMENT.EXPIRED", "RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE"} <= set(codes)


@override_settings(HAVEN_SECURITY_ASSESSMENT_VALID_DAYS=200)
def test_the_validity_of_a_risk_assessment_is_a_setting():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    security(w.case, w.caseworker, completed_at=NOW - 120 * DAY, valid_days=200)
    assert not any(c.startswith("RETURN_REQUIRES_RISK_ASSESSMENT") for c in refused(w, solution))


def test_an_assessment_for_another_country_does_not_count():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    security(w.case, w.caseworker, country="ES")
    assert "RETURN_REQUIRES_RISK_ASSESSMENT" in refused(w, solution)


def test_each_missing_part_of_the_reintegration_plan_has_its_code():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    full_plan(w, solution, receiving_agency_name="", caregiver_able=False, escort="", placement_abroad=True,
              services_confirmed=False)  # fmt: skip
    assert {
        "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_RECEIVING_AGENCY", "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER",
        "RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED", "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_ESCORT",
        "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_STATE_CONSULTATION",
    } <= set(refused(w, solution))  # fmt: skip


def test_a_caregiver_who_has_not_agreed_is_no_caregiver():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    full_plan(w, solution, caregiver_agreed_at=None)
    assert "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER" in refused(w, solution)


def test_a_plan_without_any_service_is_unconfirmed():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    full_plan(w, solution, with_services=False)
    assert "RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED" in refused(w, solution)


def test_confirming_the_service_and_consulting_the_state_completes_the_plan():
    w = world()
    solution = return_ready(w)
    plan = full_plan(w, solution, placement_abroad=True, state_consulted_at=NOW - 6 * DAY, services_confirmed=False)
    codes = refused(w, solution)
    assert codes == ["RETURN_REQUIRES_REINTEGRATION_PLAN.SERVICES_UNCONFIRMED"]
    for service in plan.services.filter(confirmed_at__isnull=True):
        services.reintegration_service_confirm(actor=w.caseworker, service=service, at=NOW - DAY)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_a_guardian_who_disagrees_has_not_consented():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    guardian_says(w.case, solution, agrees=False)
    assert "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT" in refused(w, solution)


def test_an_objection_the_determination_does_not_answer_refuses_the_return():
    w = world()
    solution = return_ready(w)
    child_says(w.case, w.caseworker, solution, objects=True)
    assert refused(w, solution) == ["RETURN_REQUIRES_CHILD_VIEWS.OBJECTION_NOT_ADDRESSED"]


def test_an_objection_answered_and_the_child_told_how_to_appeal_allows_it():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    determination(w.case, w.supervisor, recommendation=SolutionType.RETURN, child_objects=True)
    security(w.case, w.caseworker)
    full_plan(w, solution)
    child_says(w.case, w.caseworker, solution, objects=True)
    guardian_says(w.case, solution)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_an_objection_answered_but_the_child_not_told_is_refused():
    w = world()
    solution = planned(w, SolutionType.RETURN)
    determination(w.case, w.supervisor, recommendation=SolutionType.RETURN, child_objects=True, child_told=False)
    security(w.case, w.caseworker)
    full_plan(w, solution)
    child_says(w.case, w.caseworker, solution, objects=True)
    guardian_says(w.case, solution)
    assert refused(w, solution) == ["RETURN_REQUIRES_CHILD_VIEWS.OBJECTION_NOT_ADDRESSED"]


def test_a_pending_asylum_claim_blocks_a_return():
    w = world()
    solution = return_ready(w)
    asylum_pending(w.case, w.caseworker)
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]


def test_refugee_status_blocks_a_return():
    w = world()
    solution = return_ready(w)
    refugee(w.case, w.caseworker)
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.REFUGEE_STATUS"]


def test_a_finding_of_serious_harm_blocks_a_return():
    w = world()
    solution = return_ready(w)
    serious_harm_finding(w.case, w.caseworker)
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM"]


def test_serious_harm_found_by_the_security_assessment_blocks_it_too():
    w = world()
    solution = return_ready(w)
    security(w.case, w.caseworker, harm=True, completed_at=NOW - DAY)
    codes = refused(w, solution)
    assert {"RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM", "RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE"} == set(
        codes
    )


def test_resettlement_passes_the_same_gate():
    w = world()
    solution = planned(w, SolutionType.RESETTLEMENT)
    assert "RETURN_REQUIRES_REINTEGRATION_PLAN" in refused(w, solution)
    ready = world()
    assert decide(ready, return_ready(ready, kind=SolutionType.RESETTLEMENT)).status == SolutionStatus.DECIDED


def test_reunification_abroad_passes_the_return_gate_and_verifies_the_relative():
    w = world()
    person = adult(w.case, w.caseworker, country="MA", identity=False, related=False, assessment=None)
    solution = planned(w, SolutionType.FAMILY_REUNIFICATION, relative=person)
    assert solution.country == "MA"
    codes = set(refused(w, solution))
    assert {"RETURN_REQUIRES_BID", "RETURN_REQUIRES_REINTEGRATION_PLAN", "RELEASE_REQUIRES_VERIFICATION.IDENTITY",
            "RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP"} <= codes  # fmt: skip


# --- The protection-claim block concerns the country of the claim or the risk finding (R4) ----------
def test_resettlement_to_a_safe_third_country_with_a_pending_claim_is_allowed_when_everything_else_holds():
    w = world()
    solution = return_ready(w, kind=SolutionType.RESETTLEMENT)
    asylum_pending(w.case, w.caseworker)
    assert solution.country == "CA"
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_a_refugee_found_at_risk_at_home_may_still_be_resettled_in_a_safe_third_country():
    w = world()
    solution = return_ready(w, kind=SolutionType.RESETTLEMENT)
    refugee(w.case, w.caseworker)
    serious_harm_finding(w.case, w.caseworker)
    security(w.case, w.caseworker, country="MA", safe=False, harm=True)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_resettlement_keeps_every_other_condition_of_the_gate():
    w = world()
    solution = planned(w, SolutionType.RESETTLEMENT)
    asylum_pending(w.case, w.caseworker)
    codes = set(refused(w, solution))
    assert {"RETURN_REQUIRES_BID", "RETURN_REQUIRES_RISK_ASSESSMENT", "RETURN_REQUIRES_REINTEGRATION_PLAN"} <= codes
    assert not any(code.startswith("RETURN_BLOCKED_PROTECTION_CLAIM") for code in codes)


def test_a_return_to_the_country_of_origin_with_a_pending_claim_is_blocked():
    w = world()
    solution = return_ready(w)
    asylum_pending(w.case, w.caseworker)
    assert solution.country == "MA"
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]


def test_a_move_to_a_country_named_in_a_risk_finding_is_blocked():
    w = world()
    solution = return_ready(w, kind=SolutionType.RESETTLEMENT)
    security(w.case, w.caseworker, country="CA", safe=False, harm=True, completed_at=NOW - DAY)
    assert set(refused(w, solution)) == {
        "RETURN_BLOCKED_PROTECTION_CLAIM.RISK_OF_SERIOUS_HARM", "RETURN_REQUIRES_RISK_ASSESSMENT.NOT_SAFE",
    }  # fmt: skip


def test_resettlement_to_another_country_of_the_childs_nationality_is_blocked_by_the_claim():
    w = world()
    child_facts_update(actor=w.caseworker, case=w.case, facts={"nationalities": ["MA", "CA"]})
    solution = return_ready(w, kind=SolutionType.RESETTLEMENT)
    asylum_pending(w.case, w.caseworker)
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]


def test_a_reunification_in_the_country_of_origin_with_a_pending_claim_is_blocked():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT, country="MA")
    solution = return_ready(w, kind=SolutionType.FAMILY_REUNIFICATION, relative=person)
    asylum_pending(w.case, w.caseworker)
    assert solution.country == "MA"
    assert refused(w, solution) == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]


def test_a_reunification_in_a_safe_third_country_with_a_pending_claim_is_allowed():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT, country="ES")
    solution = return_ready(w, kind=SolutionType.FAMILY_REUNIFICATION, relative=person)
    asylum_pending(w.case, w.caseworker)
    assert solution.country == "ES"
    assert decide(w, solution).status == SolutionStatus.DECIDED


# --- A suspected link to the exploitation (R4: "a relative can be a trafficker") -------------------
def test_a_release_to_an_adult_still_suspected_of_a_link_to_the_exploitation_is_refused():
    w = world()
    solution = release_ready(w)
    relative_suspected_link_set(actor=w.caseworker, relative=solution.relative, suspected=True,
                                note="Fictional: seen with the recruiter.")  # fmt: skip
    assert refused(w, solution) == ["RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK"]


def test_a_release_is_allowed_once_the_suspicion_is_cleared_with_a_reason():
    w = world()
    solution = release_ready(w)
    relative_suspected_link_set(actor=w.caseworker, relative=solution.relative, suspected=True,
                                note="Fictional: seen with the recruiter.")  # fmt: skip
    relative_suspected_link_set(actor=w.caseworker, relative=solution.relative, suspected=False,
                                note="Fictional: the police identified another man.")  # fmt: skip
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_a_reunification_abroad_with_a_suspected_relative_is_refused():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT, country="ES")
    solution = return_ready(w, kind=SolutionType.FAMILY_REUNIFICATION, relative=person)
    relative_suspected_link_set(actor=w.caseworker, relative=person, suspected=True,
                                note="Fictional: the address matches the recruiter's.")  # fmt: skip
    assert refused(w, solution) == ["RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK"]


def test_a_reunification_abroad_needs_a_family_assessment_that_covers_links_to_the_exploitation():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT, country="ES", covers_links=False)
    solution = return_ready(w, kind=SolutionType.FAMILY_REUNIFICATION, relative=person)
    assert refused(w, solution) == ["RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT"]


# --- The guardian's consent is the acting guardian's own record ------------------------------------
def test_the_consent_of_a_guardian_since_handed_over_speaks_for_nobody():
    w = world()
    solution = return_ready(w)
    GuardianAppointment.objects.filter(case=w.case).update(
        ends_at=NOW - 3 * DAY, end_reason=sealed_reason(w.case, "Fictional: handed over.")
    )
    guardian_for(w.case, starts_at=NOW - 3 * DAY)
    assert refused(w, solution) == ["RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT"]


def test_the_new_guardians_own_recorded_consent_allows_the_return():
    w = world()
    solution = return_ready(w)
    GuardianAppointment.objects.filter(case=w.case).update(
        ends_at=NOW - 3 * DAY, end_reason=sealed_reason(w.case, "Fictional: handed over.")
    )
    successor = guardian_for(w.case, starts_at=NOW - 3 * DAY)
    guardian_opinion_record(actor=successor, case=w.case, decision=solution.guardian_decision, subject=str(solution.pk),
                            opinion="Fictional: I consent.", agrees=True, at=NOW - DAY)  # fmt: skip
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_a_caseworker_cannot_record_the_guardians_consent():
    from django.http import Http404

    w = world()
    solution = planned(w, SolutionType.RETURN)
    with pytest.raises(Http404):
        guardian_opinion_record(actor=w.caseworker, case=w.case, decision=solution.guardian_decision,
                                subject=str(solution.pk), opinion="The guardian agrees.", agrees=True)  # fmt: skip
    assert "RETURN_REQUIRES_CHILD_VIEWS.NO_GUARDIAN_CONSENT" in refused(w, solution)


# --- Any move across a border goes through the whole gate (the public entry) -----------------------
def _move(w, country, *, at=NOW, solution=None) -> list[str]:
    found = Violations()
    rules.cross_border_move_allowed(found, case=w.case, country=country, at=at, solution=solution)
    try:
        found.raise_if_any()
    except RuleViolation as refusal:
        return refusal.codes
    return []


def test_a_move_inside_the_country_asks_nothing_of_the_return_gate():
    w = world()
    assert _move(w, "PT") == []


def test_a_move_across_a_border_without_a_decided_solution_is_refused():
    w = world()
    return_ready(w)  # planned, with everything on file, but not decided by a supervisor
    assert _move(w, "MA") == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]


def test_a_move_to_the_country_of_a_decided_return_passes_while_its_gate_holds():
    w = world()
    decide(w, return_ready(w))
    assert _move(w, "ma") == []
    asylum_pending(w.case, w.caseworker)
    assert _move(w, "MA", at=NOW + DAY) == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]


def test_a_decided_resettlement_does_not_open_a_move_to_another_country():
    w = world()
    resettlement = decide(w, return_ready(w, kind=SolutionType.RESETTLEMENT))
    assert _move(w, "CA") == []
    assert _move(w, "MA") == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]
    assert _move(w, "MA", solution=resettlement) == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]


# --- Durable solutions inside the country -------------------------------------------------------
def test_local_integration_needs_the_guardian_the_views_and_a_determination():
    w = world()
    solution = planned(w, SolutionType.LOCAL_INTEGRATION)
    assert set(refused(w, solution)) == {"CHILD_VIEWS_REQUIRED", "GUARDIAN_OPINION_REQUIRED", "BID_REQUIRED"}


def test_local_integration_with_everything_on_file_is_decided():
    w = world()
    solution = planned(w, SolutionType.LOCAL_INTEGRATION)
    determination(w.case, w.supervisor, recommendation=SolutionType.LOCAL_INTEGRATION)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_reunification_with_a_parent_in_the_country_takes_the_lighter_path():
    from apps.bestinterests.models import BIA_SECTIONS, BestInterestsAssessment

    w = world(risk_level="medium")
    child_facts_update(actor=w.supervisor, case=w.case, facts={"unaccompanied": False, "separated": True},
                       reason="Fictional: the mother was found; the child was separated, not unaccompanied.")  # fmt: skip
    w.case.refresh_from_db()
    BestInterestsAssessment.objects.create(
        case=w.case, started_at=NOW - 30 * DAY, started_by=w.caseworker, completed_at=NOW - 20 * DAY,
        completed_by=w.caseworker, review_due_at=NOW + 100 * DAY,
    )  # fmt: skip
    assert BIA_SECTIONS
    mother = adult(w.case, w.caseworker, relationship=Relationship.MOTHER)
    solution = planned(w, SolutionType.FAMILY_REUNIFICATION, relative=mother)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_reunification_with_an_aunt_in_the_country_still_needs_a_determination():
    w = world()
    aunt = adult(w.case, w.caseworker, relationship=Relationship.AUNT_OR_UNCLE)
    solution = planned(w, SolutionType.FAMILY_REUNIFICATION, relative=aunt)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    assert refused(w, solution) == ["BID_REQUIRED"]


# --- Release to an adult inside the country ------------------------------------------------------
def test_a_release_needs_identity_relationship_assessment_and_the_guardians_opinion():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.OTHER_ADULT, identity=False, related=False,
                   assessment=None)  # fmt: skip
    solution = planned(w, SolutionType.RELEASE_TO_ADULT, relative=person)
    child_says(w.case, w.caseworker, solution)
    assert refused(w, solution) == [
        "RELEASE_REQUIRES_VERIFICATION.IDENTITY", "RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP",
        "RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT", "RELEASE_REQUIRES_VERIFICATION.GUARDIAN_OPINION",
    ]  # fmt: skip


def test_an_assessment_that_ignores_links_to_the_exploitation_does_not_count():
    w = world()
    solution = release_ready(w, covers_links=False)
    assert refused(w, solution) == ["RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT"]


def test_a_home_found_unsuitable_refuses_the_release():
    w = world()
    solution = release_ready(w, assessment=FamilyConclusion.NOT_SUITABLE)
    assert refused(w, solution) == ["RELEASE_REQUIRES_VERIFICATION.NOT_SUITABLE"]


def test_a_verified_adult_is_released_to_without_a_determination():
    w = world()
    solution = release_ready(w)
    assert decide(w, solution).status == SolutionStatus.DECIDED


def test_a_release_needs_the_childs_views():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT)
    solution = planned(w, SolutionType.RELEASE_TO_ADULT, relative=person)
    guardian_says(w.case, solution)
    assert refused(w, solution) == ["CHILD_VIEWS_REQUIRED"]


def test_a_release_abroad_is_not_a_release():
    w = world()
    person = adult(w.case, w.caseworker, relationship=Relationship.GRANDPARENT)
    with pytest.raises(ValidationError):
        planned(w, SolutionType.RELEASE_TO_ADULT, relative=person, country="MA")


# --- Planning, implementing, withdrawing ---------------------------------------------------------
def test_a_return_goes_to_the_country_of_origin_only():
    w = world()
    assert planned(w, SolutionType.RETURN).country == "MA"
    other = world()
    with pytest.raises(ValidationError):
        planned(other, SolutionType.RETURN, country="ES")


def test_one_solution_in_the_making_at_a_time():
    w = world()
    first = planned(w, SolutionType.RETURN)
    with pytest.raises(ValidationError):
        planned(w, SolutionType.LOCAL_INTEGRATION)
    services.solution_withdraw(actor=w.caseworker, solution=first, reason="Fictional: the child asked to stay.")
    assert planned(w, SolutionType.LOCAL_INTEGRATION).status == SolutionStatus.PLANNED


def test_implementing_a_return_schedules_the_follow_ups():
    w = world()
    solution = decide(w, return_ready(w))
    done = services.solution_implement(actor=w.caseworker, solution=solution, at=NOW + DAY)
    assert done.status == SolutionStatus.IMPLEMENTED
    visits = list(FollowUpVisit.objects.filter(solution=solution).order_by("due_at"))
    assert [v.months_after for v in visits] == [1, 3, 6, 12]
    assert visits[0].due_at.month == (NOW + DAY).month % 12 + 1


def test_a_claim_lodged_after_the_decision_stops_the_departure():
    w = world()
    solution = decide(w, return_ready(w))
    asylum_pending(w.case, w.caseworker)
    with pytest.raises(RuleViolation) as refusal:
        services.solution_implement(actor=w.caseworker, solution=solution, at=NOW + DAY)
    assert refusal.value.codes == ["RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING"]
    assert not FollowUpVisit.objects.filter(solution=solution).exists()


def test_local_integration_has_no_follow_ups():
    w = world()
    solution = planned(w, SolutionType.LOCAL_INTEGRATION)
    determination(w.case, w.supervisor, recommendation=SolutionType.LOCAL_INTEGRATION)
    child_says(w.case, w.caseworker, solution)
    guardian_says(w.case, solution)
    services.solution_implement(actor=w.caseworker, solution=decide(w, solution), at=NOW + DAY)
    assert not FollowUpVisit.objects.filter(solution=solution).exists()
    assert not Alert.objects.exists()
