"""Complaints through the services: routed to someone not named, tracked until the child is answered."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.cases.models import Case, CaseState
from apps.cases.services import case_transition
from apps.casework.selectors import case_timeline
from apps.complaints.models import AnswerChannel, Complaint, ComplaintStatus, LodgedBy, ReviewerBasis
from apps.complaints.selectors import complaint_get, complaint_list
from apps.complaints.services import (
    complaint_answer,
    complaint_deadlines_alert,
    complaint_review_start,
)
from apps.core.rules import RuleViolation
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.cases.factories import walk_past_guards
from tests.cases.sealed import stored
from tests.complaints.factories import agency_admin, lodge, second_supervisor, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return world()


# --- Lodging and routing ------------------------------------------------------------------------
def test_a_guardian_lodges_a_complaint_for_their_ward_sealed_and_sent_to_a_supervisor(people):
    case, caseworker, supervisor, guardian = people

    complaint = lodge(guardian, case, named=[caseworker])

    assert complaint.status == ComplaintStatus.LODGED
    assert (complaint.reviewer, complaint.reviewer_basis) == (supervisor, ReviewerBasis.SUPERVISOR)
    assert b"shouts" not in bytes(Complaint.objects.get().text)
    assert stored(complaint, "text") == "He shouts at me when I ask to call my sister."
    [alert] = Alert.objects.filter(kind=AlertKind.COMPLAINT)
    assert (alert.user, alert.role, alert.case) == (supervisor, "", case)
    assert "shouts" not in alert.detail


def test_a_complaint_naming_a_supervisor_goes_to_another_supervisor(people):
    case, _cw, supervisor, guardian = people
    other = second_supervisor(case)

    complaint = lodge(guardian, case, named=[supervisor])

    assert complaint.reviewer == other
    assert not alert_list(actor=supervisor).filter(kind=AlertKind.COMPLAINT).exists()


def test_when_every_supervisor_is_named_the_agency_admin_reviews_it(people):
    case, _cw, supervisor, guardian = people
    admin = agency_admin(case)

    complaint = lodge(guardian, case, named=[supervisor])

    assert (complaint.reviewer, complaint.reviewer_basis) == (admin, ReviewerBasis.AGENCY_ADMIN)
    assert complaint_list(actor=admin).get() == complaint
    assert alert_list(actor=admin).filter(kind=AlertKind.COMPLAINT).count() == 1


def test_with_no_one_left_to_review_the_guardian_is_told_and_it_is_routed_later(people):
    case, _cw, supervisor, guardian = people
    at = timezone.now()

    complaint = lodge(guardian, case, named=[supervisor], at=at)

    assert complaint.reviewer is None
    assert alert_list(actor=guardian).filter(kind=AlertKind.COMPLAINT).count() == 1
    newcomer = second_supervisor(case)
    complaint_deadlines_alert(at=at + timedelta(hours=1))
    complaint_deadlines_alert(at=at + timedelta(hours=2))
    assert Complaint.objects.get().reviewer == newcomer
    assert alert_list(actor=newcomer).filter(kind=AlertKind.COMPLAINT).count() == 1


def test_staff_record_the_childs_own_complaint(people):
    case, caseworker, supervisor, _guardian = people

    complaint = lodge(caseworker, case, lodged_by=LodgedBy.CHILD, text="I want to change school.")

    assert (complaint.lodged_by, complaint.recorded_by, complaint.reviewer) == (LodgedBy.CHILD, caseworker, supervisor)


def test_someone_who_cannot_see_the_case_cannot_lodge_one(people):
    case, *_ = people
    with pytest.raises(Http404):
        lodge(UserFactory(), case)


def test_only_the_active_guardian_lodges_as_guardian(people):
    case, caseworker, *_ = people
    with pytest.raises(PermissionDenied):
        lodge(caseworker, case, lodged_by=LodgedBy.GUARDIAN)


# --- The named caseworker sees it nowhere --------------------------------------------------------
def test_the_named_caseworker_cannot_see_the_complaint_anywhere(people):
    case, caseworker, _supervisor, guardian = people
    # Even as a supervisor of the agency too, a named person does not see it.
    MembershipFactory(role="supervisor", agency=case.owning_agency, user=caseworker)
    complaint = lodge(guardian, case, named=[caseworker])

    assert not complaint_list(actor=caseworker).exists()
    with pytest.raises(Http404):
        complaint_get(actor=caseworker, complaint_id=complaint.pk)
    assert (
        not alert_list(actor=caseworker, include_done=True)
        .filter(kind__in=[AlertKind.COMPLAINT, AlertKind.COMPLAINT_ANSWER_OVERDUE])
        .exists()
    )
    assert not [e for e in case_timeline(actor=caseworker, case=case) if e.kind == "complaint"]
    with pytest.raises(Http404):
        complaint_answer(actor=caseworker, complaint=complaint, answer="x", channel=AnswerChannel.IN_PERSON)
    # The others do see it.
    assert complaint_list(actor=guardian).get() == complaint
    assert [e.kind for e in case_timeline(actor=guardian, case=case)].count("complaint") == 1


def test_overdue_alerts_never_reach_a_named_supervisor(people):
    case, _cw, supervisor, guardian = people
    other = second_supervisor(case)
    at = timezone.now()
    lodge(guardian, case, named=[supervisor], at=at)

    complaint_deadlines_alert(at=at + timedelta(days=31))

    assert alert_list(actor=other).filter(kind=AlertKind.COMPLAINT_ANSWER_OVERDUE).count() == 1
    assert not alert_list(actor=supervisor).exists()


def test_a_caseworker_not_named_sees_complaints_only_they_recorded(people):
    case, caseworker, _supervisor, guardian = people
    lodge(guardian, case)
    assert not complaint_list(actor=caseworker).exists()
    mine = lodge(caseworker, case, lodged_by=LodgedBy.CHILD)
    assert list(complaint_list(actor=caseworker)) == [mine]
    assert not [e for e in case_timeline(actor=caseworker, case=case) if e.kind == "complaint"]


# --- Review and answer ---------------------------------------------------------------------------
def test_the_reviewer_answers_the_child_and_the_alerts_are_done(people):
    case, _cw, supervisor, guardian = people
    complaint = lodge(guardian, case)
    given = timezone.now()

    complaint_review_start(actor=supervisor, complaint=complaint)
    answered = complaint_answer(actor=supervisor, complaint=complaint, answer="We spoke with him; calls are daily now.",
                                channel=AnswerChannel.IN_PERSON, given_at=given)  # fmt: skip

    assert answered.status == ComplaintStatus.ANSWERED
    assert (answered.answered_by, answered.answered_at, answered.answer_channel) == (
        supervisor, given, AnswerChannel.IN_PERSON)  # fmt: skip
    assert stored(answered, "answer") == "We spoke with him; calls are daily now."
    assert not alert_list(actor=supervisor).filter(kind=AlertKind.COMPLAINT).exists()


def test_the_guardian_does_not_answer_their_own_complaint(people):
    case, _cw, _supervisor, guardian = people
    complaint = lodge(guardian, case)
    with pytest.raises(PermissionDenied):
        complaint_answer(actor=guardian, complaint=complaint, answer="ok", channel=AnswerChannel.IN_WRITING)


def test_an_answer_is_due_within_the_setting_then_overdue_once(people, settings):
    settings.HAVEN_COMPLAINT_ANSWER_DAYS = 10
    case, _cw, supervisor, guardian = people
    at = timezone.now()
    lodge(guardian, case, at=at)

    assert complaint_deadlines_alert(at=at + timedelta(days=9)) == 0
    assert complaint_deadlines_alert(at=at + timedelta(days=10, minutes=1)) == 1
    assert complaint_deadlines_alert(at=at + timedelta(days=11)) == 0
    [alert] = Alert.objects.filter(kind=AlertKind.COMPLAINT_ANSWER_OVERDUE)
    assert alert.user == supervisor


def test_an_answered_complaint_is_never_overdue(people):
    case, _cw, supervisor, guardian = people
    at = timezone.now()
    complaint = lodge(guardian, case, at=at)
    complaint_answer(actor=supervisor, complaint=complaint, answer="Done.", channel=AnswerChannel.BY_PHONE, at=at)
    assert complaint_deadlines_alert(at=at + timedelta(days=60)) == 0


# --- Closure -------------------------------------------------------------------------------------
AFTERCARE_PATH = [CaseState.PROTECTION, CaseState.ASSESSMENT, CaseState.SUPPORT, CaseState.AFTERCARE]


def in_aftercare(case):
    """Walk the case to aftercare past other apps' guards (the database still holds each move)."""
    return walk_past_guards(case, *AFTERCARE_PATH)


def close_codes(case, supervisor):
    case = Case.objects.get(pk=case.pk)
    try:
        case_transition(actor=supervisor, case=case, transition="close", expected_version=case.version,
                        reason="All done", waiver_reason="Follow-ups handed over.")  # fmt: skip
    except RuleViolation as refusal:
        return refusal.codes
    return []


def test_an_unanswered_complaint_refuses_closure_even_with_a_waiver(people):
    case, _cw, supervisor, guardian = people
    lodge(guardian, case)
    in_aftercare(case)

    assert "CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED" in close_codes(case, supervisor)
    assert Case.objects.get(pk=case.pk).state == CaseState.AFTERCARE


def test_an_answered_complaint_does_not_hold_closure(people):
    case, _cw, supervisor, guardian = people
    complaint = lodge(guardian, case)
    complaint_answer(actor=supervisor, complaint=complaint, answer="Done.", channel=AnswerChannel.IN_PERSON)
    in_aftercare(case)

    assert "CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED" not in close_codes(case, supervisor)
