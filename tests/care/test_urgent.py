"""The first rule: urgent protection is never blocked — recorded with its reason, then reviewed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.care.models import Placement, PlacementKind, TieKind, UrgentAction, UrgentActionKind
from apps.care.services import (
    child_tie_record,
    missing_report,
    placement_record,
    urgent_action_record,
    urgent_action_review,
    urgent_action_reviews_alert,
)
from apps.care.tasks import urgent_action_reviews_check
from apps.core.rules import RuleViolation
from apps.guardianship.rules import needs_guardian
from apps.guardianship.selectors import active_appointment
from tests.accounts.factories import AgencyFactory
from tests.care.factories import case_with_staff, guardian_for
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
NOW = timezone.now()
OTHER_URGENCIES = [UrgentActionKind.MEDICAL_CARE, UrgentActionKind.URGENT_PROTECTIVE_REFERRAL,
                   UrgentActionKind.HALT_REMOVAL]  # fmt: skip


@pytest.fixture
def staffed():
    # Unaccompanied, and no guardian yet: GUARDIAN_REQUIRED is unmet throughout.
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def boss(staffed):
    return staffed[2]


def urgent_place(case, actor, kind=PlacementKind.SHELTER, **kwargs):
    kwargs.setdefault("urgent_reason", "Found alone at the station at night")
    return placement_record(actor=actor, case=case, kind=kind, urgent=True, at=kwargs.pop("at", NOW), **kwargs)


def alerts(kind, **filters):
    return Alert.objects.filter(kind=kind, **filters)


# --- Urgent protection goes through with each rule unmet ----------------------------------------
def test_an_emergency_placement_goes_through_without_a_guardian(case, caseworker):
    assert needs_guardian(case.child)
    assert active_appointment(case=case, at=NOW) is None
    placement = urgent_place(case, caseworker, kind=PlacementKind.FOSTER)
    assert placement.urgent


def test_an_emergency_shelter_placement_goes_through_without_a_justification(case, caseworker):
    placement = urgent_place(case, caseworker, kind=PlacementKind.SHELTER, justification="")
    assert (placement.kind, placement.justification) == (PlacementKind.SHELTER, None)


def test_a_safety_move_goes_through_with_siblings_placed_apart(case, caseworker):
    sibling = register(caseworker, case.owning_agency, given="Yasmine").case
    child_tie_record(actor=caseworker, case=case, other_case=sibling, kind=TieKind.SIBLINGS)
    placement_record(actor=caseworker, case=sibling, kind=PlacementKind.FOSTER, at=NOW)
    moved = urgent_place(case, caseworker, kind=PlacementKind.FOSTER, urgent_kind=UrgentActionKind.SAFETY_MOVE,
                         urgent_reason="The trafficker was seen outside the foster home")  # fmt: skip
    assert moved.urgent_action.kind == UrgentActionKind.SAFETY_MOVE


def test_an_emergency_placement_goes_through_with_a_mother_and_baby_apart(case, caseworker):
    baby = register(caseworker, case.owning_agency, given="Nour", birth=date(2025, 12, 1)).case
    child_tie_record(actor=caseworker, case=case, other_case=baby, kind=TieKind.MOTHER_AND_BABY)
    placement_record(actor=caseworker, case=baby, kind=PlacementKind.FOSTER, at=NOW)
    assert urgent_place(case, caseworker).pk


def test_urgent_protection_goes_through_while_age_is_not_settled(caseworker):
    # A presumed minor: no documented birth date, the age disputed. Nothing here waits for it.
    case = register(caseworker, caseworker.memberships.first().agency, given="Omar", birth=None,
                    child_facts={"unaccompanied": True, "birth_date_basis": "unknown"}).case  # fmt: skip
    assert urgent_place(case, caseworker).pk
    assert urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.HALT_REMOVAL,
                                reason="Removal flight booked before the age is settled", at=NOW).pk  # fmt: skip
    assert missing_report(actor=caseworker, case=case, at=NOW).pk


def test_every_rule_unmet_at_once_still_lets_an_urgent_placement_through(case, caseworker):
    sibling = register(caseworker, case.owning_agency, given="Yasmine", birth=None).case
    child_tie_record(actor=caseworker, case=case, other_case=sibling, kind=TieKind.SIBLINGS)
    placement_record(actor=caseworker, case=sibling, kind=PlacementKind.FOSTER, at=NOW)
    with pytest.raises(RuleViolation):
        placement_record(actor=caseworker, case=case, kind=PlacementKind.INSTITUTION, at=NOW)
    placement = urgent_place(case, caseworker, kind=PlacementKind.INSTITUTION)
    assert Placement.objects.get(pk=placement.pk).urgent


@pytest.mark.parametrize("kind", OTHER_URGENCIES)
def test_medical_care_referral_and_halting_a_removal_go_through_without_a_guardian(case, caseworker, kind):
    action = urgent_action_record(actor=caseworker, case=case, kind=kind, reason="Now, not tomorrow", at=NOW)
    assert (action.kind, stored(action, "reason"), action.taken_by, action.taken_at) == (
        kind, "Now, not tomorrow", caseworker, NOW)  # fmt: skip


def test_a_missing_report_goes_through_without_a_guardian_or_a_placement(case, caseworker):
    report = missing_report(actor=caseworker, case=case, at=NOW)
    assert report.urgent_action.kind == UrgentActionKind.MISSING_REPORT
    assert not case.placements.exists()


# --- Recorded with its reason ------------------------------------------------------------------
def test_an_urgent_placement_is_recorded_as_an_urgent_action_with_its_reason(case, caseworker):
    placement = urgent_place(case, caseworker, urgent_reason="Trafficker found her")
    action = UrgentAction.objects.get(placement=placement)
    assert (action.kind, stored(action, "reason"), action.taken_by, action.taken_at) == (
        UrgentActionKind.EMERGENCY_PLACEMENT, "Trafficker found her", caseworker, NOW)  # fmt: skip


def test_an_urgent_placement_needs_its_reason(case, caseworker):
    with pytest.raises(ValidationError) as refused:
        urgent_place(case, caseworker, urgent_reason="  ")
    assert "urgent_reason" in refused.value.message_dict
    assert not Placement.objects.exists()


@pytest.mark.parametrize("kind", OTHER_URGENCIES)
def test_an_urgent_action_needs_its_reason(case, caseworker, kind):
    with pytest.raises(ValidationError):
        urgent_action_record(actor=caseworker, case=case, kind=kind, reason="")


@pytest.mark.parametrize("kind", [UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE,
                                  UrgentActionKind.MISSING_REPORT])  # fmt: skip
def test_placements_and_missing_reports_are_recorded_by_their_own_service(case, caseworker, kind):
    with pytest.raises(ValidationError):
        urgent_action_record(actor=caseworker, case=case, kind=kind, reason="Now")


def test_an_urgent_action_is_for_the_case_staff(case):
    with pytest.raises(PermissionDenied):
        urgent_action_record(actor=guardian_for(case), case=case, kind=UrgentActionKind.MEDICAL_CARE, reason="Now")


# --- Reviewed afterwards ------------------------------------------------------------------------
@override_settings(HAVEN_URGENT_REVIEW_HOURS=12)
def test_the_supervisors_are_alerted_to_review_within_the_set_time(case, caseworker, boss):
    action = urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.MEDICAL_CARE, reason="Fever",
                                  at=NOW)  # fmt: skip
    alert = alerts(AlertKind.URGENT_ACTION_REVIEW).get()
    assert (alert.agency, alert.role, alert.case, alert.key) == (case.owning_agency, Role.SUPERVISOR, case,
                                                                 f"urgent:{action.pk}")  # fmt: skip
    assert alert.due_at == action.review_due_at == NOW + timedelta(hours=12)


def test_the_active_guardian_is_alerted_by_name(case, caseworker):
    guardian = guardian_for(case)
    urgent_place(case, caseworker)
    alert = alerts(AlertKind.URGENT_ACTION_GUARDIAN_REVIEW).get()
    assert alert.user == guardian
    assert alert.agency.kind == AgencyKind.GUARDIANSHIP_AUTHORITY


def test_without_a_guardian_only_the_supervisors_are_alerted(case, caseworker):
    urgent_place(case, caseworker)
    assert not alerts(AlertKind.URGENT_ACTION_GUARDIAN_REVIEW).exists()
    assert alerts(AlertKind.URGENT_ACTION_REVIEW).count() == 1


def test_a_guardian_appointed_later_is_alerted_by_the_periodic_check_once(case, caseworker):
    action = urgent_place(case, caseworker).urgent_action
    assert urgent_action_reviews_alert(at=NOW + timedelta(hours=1)) == 0
    guardian = guardian_for(case, starts_at=NOW + timedelta(days=2))
    later = NOW + timedelta(days=2, hours=1)
    assert urgent_action_reviews_alert(at=later) == 1
    assert urgent_action_reviews_alert(at=later) == 0
    assert urgent_action_reviews_alert(at=later + timedelta(days=1)) == 0
    alert = alerts(AlertKind.URGENT_ACTION_GUARDIAN_REVIEW).get()
    assert (alert.user, alert.key) == (guardian, f"urgent:{action.pk}:guardian:{guardian.pk}")


def test_the_periodic_check_runs_as_a_task_and_alerts_once(case, caseworker):
    urgent_place(case, caseworker, at=timezone.now())
    guardian_for(case)
    assert urgent_action_reviews_check() == 1
    assert urgent_action_reviews_check() == 0


def test_a_supervisor_reviews_and_their_alert_is_closed(case, caseworker, boss):
    action = urgent_place(case, caseworker).urgent_action
    reviewed = urgent_action_review(actor=boss, action=action, review="Right call; find a foster family", at=NOW)
    assert (reviewed.supervisor_reviewed_by, reviewed.supervisor_reviewed_at) == (boss, NOW)
    assert alerts(AlertKind.URGENT_ACTION_REVIEW).get().done_by == boss
    assert urgent_action_reviews_alert(at=NOW + timedelta(days=3)) == 0


def test_the_guardian_reviews_and_their_alert_is_closed(case, caseworker):
    guardian = guardian_for(case)
    action = urgent_place(case, caseworker).urgent_action
    reviewed = urgent_action_review(actor=guardian, action=action, review="She is safe there", at=NOW)
    assert (reviewed.guardian_reviewed_by, stored(reviewed, "guardian_review")) == (guardian, "She is safe there")
    assert reviewed.supervisor_reviewed_at is None
    assert alerts(AlertKind.URGENT_ACTION_GUARDIAN_REVIEW).get().done_at == NOW


def test_the_supervisor_who_took_the_action_does_not_review_it(case, boss):
    action = urgent_place(case, boss).urgent_action
    with pytest.raises(PermissionDenied):
        urgent_action_review(actor=boss, action=action, review="Fine by me")
    assert urgent_action_review(actor=supervisor_in(case.owning_agency), action=action, review="Fine").pk


def test_a_caseworker_does_not_review_and_a_review_happens_once(case, caseworker, boss):
    action = urgent_place(case, caseworker).urgent_action
    with pytest.raises(PermissionDenied):
        urgent_action_review(actor=caseworker, action=action, review="Fine")
    with pytest.raises(ValidationError):
        urgent_action_review(actor=boss, action=action, review=" ")
    urgent_action_review(actor=boss, action=action, review="Fine")
    with pytest.raises(ValidationError):
        urgent_action_review(actor=boss, action=action, review="Again")


def test_a_supervisor_of_another_agency_cannot_review(case, caseworker):
    action = urgent_place(case, caseworker).urgent_action
    with pytest.raises(Http404):
        urgent_action_review(actor=supervisor_in(AgencyFactory()), action=action, review="Fine")


def test_the_periodic_check_skips_actions_with_nothing_left_to_raise(case, caseworker, django_assert_num_queries):
    for reason in ("Fever", "Burn", "Asthma"):
        urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.MEDICAL_CARE, reason=reason, at=NOW)
    with django_assert_num_queries(1):
        assert urgent_action_reviews_alert(at=NOW + timedelta(hours=1)) == 0


def test_a_lost_supervisor_alert_is_raised_again_by_the_periodic_check(case, caseworker):
    action = urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.MEDICAL_CARE, reason="Fever",
                                  at=NOW)  # fmt: skip
    Alert.objects.filter(kind=AlertKind.URGENT_ACTION_REVIEW).delete()
    assert urgent_action_reviews_alert(at=NOW + timedelta(hours=1)) == 1
    assert alerts(AlertKind.URGENT_ACTION_REVIEW).get().key == f"urgent:{action.pk}"
