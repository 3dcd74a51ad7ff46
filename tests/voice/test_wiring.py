"""R6 where decisions are made: opening an age assessment, changing a placement and closing a
case each need the child's views (or why they could not be heard), through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.age.models import AgeAssessment
from apps.care.models import Placement, PlacementKind, UrgentActionKind
from apps.care.services import placement_record
from apps.cases.models import CaseTransition
from apps.cases.services import case_transition
from apps.core.rules import RuleViolation
from apps.voice.models import ViewsDecision
from tests.age.factories import T0, open_assessment, with_disability, world
from tests.care.factories import case_with_staff
from tests.solutions.factories import prepare_for
from tests.voice.factories import heard, not_heard

pytestmark = pytest.mark.django_db
V = "CHILD_VIEWS_REQUIRED"
DAY = timedelta(days=1)


def refused(call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as refusal:
        call(*args, **kwargs)
    return refusal.value


# --- Opening an age assessment -------------------------------------------------------------------
def test_an_age_assessment_without_the_childs_views_is_refused():
    w = world(heard=False)
    refusal = refused(open_assessment, w)
    assert refusal.codes == [V]
    assert refusal.messages == [
        "Record the child's views on an age assessment, or why they could not be heard and what was tried."
    ]
    assert not AgeAssessment.objects.exists()


def test_an_age_assessment_with_the_childs_views_opens():
    w = world(heard=False)
    heard(w.case, ViewsDecision.AGE_ASSESSMENT, at=T0 - DAY)
    assert open_assessment(w).pk


def test_a_recorded_reason_for_not_hearing_the_child_lets_it_open():
    w = world(heard=False)
    not_heard(w.case, ViewsDecision.AGE_ASSESSMENT, at=T0 - DAY)
    assert open_assessment(w).pk


def test_views_on_another_decision_or_recorded_later_do_not_count():
    w = world(heard=False)
    heard(w.case, ViewsDecision.PLACEMENT_CHANGE, at=T0 - DAY)
    heard(w.case, ViewsDecision.AGE_ASSESSMENT, at=T0 + DAY)
    assert refused(open_assessment, w).codes == [V]


def test_the_missing_views_are_listed_with_every_other_missing_condition():
    w = world(guardian=False, heard=False)
    with_disability(w)
    codes = refused(open_assessment, w, last_resort_reason="").codes
    assert codes[0] == "GUARDIAN_REQUIRED"
    assert codes[-1] == V
    assert "AGE_ASSESSMENT_NOT_ALLOWED.NO_DISABILITY_ADAPTATION" in codes


# --- A change of placement -----------------------------------------------------------------------
@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def now():
    return timezone.now()


def place(case, actor, at, kind=PlacementKind.FOSTER, **kwargs):
    return placement_record(actor=actor, case=case, kind=kind, starts_at=at, at=at, **kwargs)


def test_the_first_placement_asks_for_no_views(staffed, now):
    case, caseworker, _boss = staffed
    assert place(case, caseworker, now - 10 * DAY).pk


def test_a_change_of_placement_without_the_childs_views_is_refused(staffed, now):
    case, caseworker, _boss = staffed
    first = place(case, caseworker, now - 10 * DAY)
    refusal = refused(place, case, caseworker, now - DAY, kind=PlacementKind.KINSHIP)
    assert refusal.codes == [V]
    assert refusal.messages == [
        "Record the child's views on a change of placement, or why they could not be heard and what was tried."
    ]
    first.refresh_from_db()
    assert first.ends_at is None
    assert Placement.objects.filter(case=case).count() == 1


def test_views_from_before_the_current_placement_do_not_count(staffed, now):
    case, caseworker, _boss = staffed
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=now - 11 * DAY)
    place(case, caseworker, now - 10 * DAY)
    assert refused(place, case, caseworker, now - DAY, kind=PlacementKind.KINSHIP).codes == [V]


def test_a_change_of_placement_with_the_childs_views_goes_through(staffed, now):
    case, caseworker, _boss = staffed
    first = place(case, caseworker, now - 10 * DAY)
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=now - 2 * DAY, objects=True)
    second = place(case, caseworker, now - DAY, kind=PlacementKind.KINSHIP)
    first.refresh_from_db()
    assert first.ends_at == second.starts_at


def test_the_missing_views_are_listed_with_the_placements_own_rules(staffed, now):
    case, caseworker, _boss = staffed
    place(case, caseworker, now - 10 * DAY)
    assert refused(place, case, caseworker, now - DAY, kind=PlacementKind.SHELTER).codes == [
        "PLACEMENT_JUSTIFICATION_REQUIRED",
        V,
    ]


@pytest.mark.parametrize("urgency", [UrgentActionKind.EMERGENCY_PLACEMENT, UrgentActionKind.SAFETY_MOVE])
def test_an_urgent_change_of_placement_is_never_held_up_by_the_views(staffed, now, urgency):
    case, caseworker, _boss = staffed
    place(case, caseworker, now - 10 * DAY)
    moved = place(case, caseworker, now - DAY, kind=PlacementKind.SHELTER, urgent=True, urgent_kind=urgency,
                  urgent_reason="Fictional: the trafficker was seen outside the foster home.")  # fmt: skip
    assert moved.urgent
    assert moved.urgent_action.kind == urgency


# --- Closing a case ------------------------------------------------------------------------------
MAIN_PATH = ["start_protection", "start_assessment", "start_support", "seek_durable_solution", "implement_solution",
             "start_follow_up", "move_to_aftercare"]  # fmt: skip


def move(case, actor, name, **kwargs):
    return case_transition(actor=actor, case=case, transition=name, expected_version=case.version,
                           reason=f"Fictional: {name}", **kwargs)  # fmt: skip


def to_aftercare(case, caseworker):
    for name in MAIN_PATH:
        prepare_for(case, name)
        case = move(case, caseworker, name)
    return case


@pytest.fixture
def in_aftercare(staffed):
    case, caseworker, boss = staffed
    return to_aftercare(case, caseworker), caseworker, boss


def test_closing_without_the_childs_views_is_refused_even_with_a_supervisors_waiver(in_aftercare):
    case, _caseworker, boss = in_aftercare
    refusal = refused(move, case, boss, "close", waiver_reason="Fictional: the family moved abroad.")
    assert V in refusal.codes
    assert "Record the child's views on closing the case, or why they could not be heard and what was tried." in (
        refusal.messages
    )
    case.refresh_from_db()
    assert case.state == "aftercare"


def test_closing_with_the_childs_views_goes_through(in_aftercare):
    case, caseworker, boss = in_aftercare
    heard(case, ViewsDecision.CLOSURE, actor=caseworker)
    assert move(case, boss, "close").state == "closed"


def test_a_caseworker_sees_both_what_is_missing_at_once(in_aftercare):
    case, caseworker, _boss = in_aftercare
    codes = refused(move, case, caseworker, "close").codes
    assert {"CLOSURE_CRITERIA_UNMET.NOT_A_SUPERVISOR", V} <= set(codes)


def test_after_a_reopening_the_child_is_heard_again_before_closing(in_aftercare):
    case, caseworker, boss = in_aftercare
    heard(case, ViewsDecision.CLOSURE, actor=caseworker)
    case = move(case, boss, "close")
    case = move(case, caseworker, "reopen")
    reopened_at = CaseTransition.objects.get(case=case, name="reopen").at
    case = move(case, caseworker, "start_support")
    case = move(case, caseworker, "move_to_aftercare")
    assert V in refused(move, case, boss, "close").codes
    heard(case, ViewsDecision.CLOSURE, actor=caseworker, at=max(reopened_at, timezone.now()))
    assert move(case, boss, "close").state == "closed"
