"""After the decision: the workflow guards, follow-up visits and their overdue alerts, and
growing up (R9) — periodic checks run twice on a frozen clock."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from apps.alerts.models import Alert, AlertKind
from apps.cases.models import CaseState
from apps.cases.services import case_transition
from apps.core.rules import RuleViolation
from apps.solutions import services
from apps.solutions.models import FollowUpVisit, SolutionType, VisitOutcome
from apps.solutions.selectors import coming_of_age
from apps.voice.services import child_views_record
from tests.cases.factories import supervisor_in
from tests.solutions.factories import DAY, NOW, planned, release_ready, solution_in_place, world

pytestmark = pytest.mark.django_db

PATH = ["start_protection", "start_assessment", "start_support", "seek_durable_solution"]


def move(case, name, actor, **extra):
    return case_transition(actor=actor, case=case, transition=name, expected_version=case.version, reason="step",
                           **extra)  # fmt: skip


def to_durable_solution(w):
    case = w.case
    for name in PATH:
        case = move(case, name, w.caseworker)
    return case


def implemented_release(w):
    solution = services.solution_decide(actor=w.supervisor, solution=release_ready(w), at=NOW)
    return services.solution_implement(actor=w.caseworker, solution=solution, at=NOW)


def heard_on_closing(w):
    child_views_record(actor=w.caseworker, case=w.case, decision="closure", heard=True, views="Fictional: ready.",
                       how_expressed="spoken", language="Arabic", objects=False)  # fmt: skip


# --- Workflow guards ----------------------------------------------------------------------------
def test_implementing_needs_a_decided_solution():
    w = world()
    case = to_durable_solution(w)
    planned(w, SolutionType.LOCAL_INTEGRATION)
    with pytest.raises(RuleViolation) as refusal:
        move(case, "implement_solution", w.caseworker)
    assert refusal.value.codes == ["BID_REQUIRED.NO_DECIDED_SOLUTION"]
    solution_in_place(case)
    assert move(case, "implement_solution", w.caseworker).state == CaseState.IMPLEMENTATION


def test_follow_up_needs_the_solution_implemented():
    w = world()
    case = to_durable_solution(w)
    solution_in_place(case)
    case = move(case, "implement_solution", w.caseworker)
    with pytest.raises(RuleViolation) as refusal:
        move(case, "start_follow_up", w.caseworker)
    assert refusal.value.codes == ["BID_REQUIRED.SOLUTION_NOT_IMPLEMENTED"]
    solution_in_place(case, implemented=True)
    assert move(case, "start_follow_up", w.caseworker).state == CaseState.FOLLOW_UP


def _in_follow_up(w):
    case = to_durable_solution(w)
    implemented_release(w)
    case = move(case, "implement_solution", w.caseworker)
    return move(case, "start_follow_up", w.caseworker)


def test_outstanding_follow_ups_refuse_closure():
    w = world()
    case = _in_follow_up(w)
    heard_on_closing(w)
    with pytest.raises(RuleViolation) as refusal:
        move(case, "close", w.supervisor)
    assert refusal.value.codes == ["CLOSURE_CRITERIA_UNMET.FOLLOW_UPS_OUTSTANDING"]
    assert refusal.value.violations[0].facts["count"] == 4


def test_a_supervisor_closes_with_follow_ups_outstanding_for_a_recorded_reason():
    w = world()
    case = _in_follow_up(w)
    heard_on_closing(w)
    closed = move(case, "close", w.supervisor, waiver_reason="Fictional: the family moved abroad; visits handed over.")
    assert closed.state == CaseState.CLOSED


def test_closure_follows_once_every_visit_is_done():
    w = world()
    case = _in_follow_up(w)
    heard_on_closing(w)
    for visit in FollowUpVisit.objects.filter(case=case):
        services.follow_up_record(actor=w.caseworker, visit=visit, outcome=VisitOutcome.SAFE_AND_WELL,
                                  visited_by="Fictional social worker", notes="Settled.", visited_at=NOW + 2 * DAY,
                                  at=NOW + 2 * DAY)  # fmt: skip
    assert move(case, "close", w.supervisor).state == CaseState.CLOSED


def test_a_child_not_reached_leaves_the_visit_outstanding_and_alerts_at_once():
    w = world()
    case = _in_follow_up(w)
    visit = FollowUpVisit.objects.filter(case=case).first()
    services.follow_up_record(
        actor=w.caseworker, visit=visit, outcome=VisitOutcome.NOT_REACHED, visited_at=NOW + 2 * DAY, at=NOW + 2 * DAY
    )
    assert Alert.objects.filter(kind=AlertKind.FOLLOW_UP_OVERDUE, user=w.caseworker).count() == 1
    heard_on_closing(w)
    with pytest.raises(RuleViolation):
        move(case, "close", w.supervisor)
    services.follow_up_record(actor=w.caseworker, visit=visit, outcome=VisitOutcome.SAFE_AND_WELL,
                              visited_at=NOW + 5 * DAY, at=NOW + 5 * DAY)  # fmt: skip
    with pytest.raises(ValidationError):
        services.follow_up_record(actor=w.caseworker, visit=visit, outcome=VisitOutcome.SAFE_AND_WELL,
                                  at=NOW + 6 * DAY)  # fmt: skip


# --- Follow-ups overdue ----------------------------------------------------------------------------
def test_overdue_follow_ups_alert_the_caseworker_once():
    w = world()
    implemented_release(w)
    first_due = FollowUpVisit.objects.order_by("due_at").first().due_at
    assert services.follow_ups_alert(at=first_due - DAY) == 0
    later = first_due + DAY
    assert services.follow_ups_alert(at=later) == 1
    assert services.follow_ups_alert(at=later) == 0
    alert = Alert.objects.get(kind=AlertKind.FOLLOW_UP_OVERDUE)
    assert (alert.user, alert.case, alert.due_at) == (w.caseworker, w.case, first_due)
    assert w.case.reference in alert.detail
    assert "1-month" in alert.detail


def test_a_visit_done_raises_nothing():
    w = world()
    implemented_release(w)
    visit = FollowUpVisit.objects.order_by("due_at").first()
    services.follow_up_record(actor=w.caseworker, visit=visit, outcome=VisitOutcome.SAFE_AND_WELL,
                              visited_at=visit.due_at - DAY, at=visit.due_at - DAY)  # fmt: skip
    assert services.follow_ups_alert(at=visit.due_at + DAY) == 0


@override_settings(HAVEN_FOLLOW_UP_MONTHS=[2, 24])
def test_the_follow_up_months_are_a_setting():
    w = world()
    implemented_release(w)
    assert sorted(FollowUpVisit.objects.values_list("months_after", flat=True)) == [2, 24]


def test_month_arithmetic_keeps_to_the_calendar():
    jan31 = NOW.replace(year=2026, month=1, day=31)
    assert services.months_after(jan31, 1).date() == date(2026, 2, 28)
    assert services.months_after(jan31, 12).date() == date(2027, 1, 31)
    assert services.months_after(jan31, -12).date() == date(2025, 1, 31)


# --- Growing up (R9) -------------------------------------------------------------------------------
def test_the_caseworker_is_reminded_twelve_months_before_coming_of_age_once():
    w = world(birth=date(2009, 6, 15))
    of_age = coming_of_age(child=w.case.child, at=NOW)
    assert of_age == date(2027, 6, 15)
    day_before = NOW.replace(year=2026, month=6, day=13)
    assert services.growing_up_alert(at=day_before) == 0
    after = NOW.replace(year=2026, month=6, day=16)
    assert services.growing_up_alert(at=after) == 1
    assert services.growing_up_alert(at=after) == 0
    alert = Alert.objects.get(kind=AlertKind.TRANSITION_PLAN_DUE)
    assert alert.user == w.caseworker
    assert "2027-06-15" in alert.detail


def test_a_transition_plan_ends_the_reminder():
    w = world(birth=date(2009, 6, 15))
    services.growing_up_alert(at=NOW.replace(year=2026, month=7, day=1))
    services.transition_plan_record(actor=w.caseworker, case=w.case, plan="Fictional: flat, college, support worker.")
    assert Alert.objects.get(kind=AlertKind.TRANSITION_PLAN_DUE).done_at is not None
    assert services.growing_up_alert(at=NOW.replace(year=2026, month=8, day=1)) == 0


def test_coming_of_age_with_the_case_open_reminds_of_aftercare_and_support_goes_on():
    w = world(birth=date(2009, 6, 15))
    services.transition_plan_record(actor=w.caseworker, case=w.case, plan="Fictional plan.")
    birthday = NOW.replace(year=2027, month=6, day=16)
    assert services.growing_up_alert(at=birthday) == 1
    assert services.growing_up_alert(at=birthday) == 0
    assert "aftercare" in Alert.objects.get(kind=AlertKind.TRANSITION_PLAN_DUE).detail
    w.case.refresh_from_db()
    assert w.case.state == CaseState.REGISTERED  # nothing closes by itself


def test_a_young_person_of_age_moves_to_aftercare_rather_than_closing():
    w = world(birth=(NOW - timedelta(days=365 * 18 + 30)).date())
    case = _in_follow_up(w)
    heard_on_closing(w)
    for visit in FollowUpVisit.objects.filter(case=case):
        services.follow_up_record(actor=w.caseworker, visit=visit, outcome=VisitOutcome.SAFE_AND_WELL,
                                  visited_at=NOW + 2 * DAY, at=NOW + 2 * DAY)  # fmt: skip
    with pytest.raises(RuleViolation) as refusal:
        move(case, "close", w.supervisor)
    assert refusal.value.codes == ["CLOSURE_CRITERIA_UNMET.AFTERCARE_FIRST"]
    aftercare = move(case, "move_to_aftercare", w.caseworker)
    assert move(aftercare, "close", supervisor_in(case.owning_agency)).state == CaseState.CLOSED


def test_a_supervisor_may_close_for_a_young_person_who_declines_aftercare():
    w = world(birth=(NOW - timedelta(days=365 * 18 + 30)).date())
    case = _in_follow_up(w)
    heard_on_closing(w)
    closed = move(case, "close", w.supervisor, waiver_reason="Fictional: declines aftercare, has a job and a flat.")
    assert closed.state == CaseState.CLOSED
