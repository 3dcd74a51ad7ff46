"""Criminal proceedings: interviews (GUARDIAN_REQUIRED, counted), special measures, representatives;
and compensation claims."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.alerts.selectors import alert_list
from apps.core.rules import RuleViolation
from apps.rights.models import MeasureDecision, ProceedingInterview
from apps.rights.selectors import compensation_claim_list, criminal_proceeding_list, interview_count
from apps.rights.services import (
    compensation_claim_record,
    compensation_claim_status_change,
    criminal_proceeding_stage_change,
    interview_record,
    interview_review,
    interview_reviews_alert,
    representative_appoint,
    representative_end,
    special_measure_decide,
    special_measure_request,
)
from apps.rights.tasks import interview_reviews_check
from tests.cases.sealed import stored
from tests.rights.factories import case_with_staff, guardian_for, proceeding_for

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def proceeding(staffed):
    return proceeding_for(staffed[0], staffed[1])


def interview(staffed, proceeding, **kwargs):
    values = {"held_at": NOW - timedelta(hours=2), "interviewer_kind": "police", "interviewer": "Insp. Moreau",
              "place": "Child-friendly interview room", "special_measures": ["video_recorded"]} | kwargs  # fmt: skip
    return interview_record(actor=staffed[1], proceeding=proceeding, **values)


def test_arranging_a_police_interview_is_refused_until_a_guardian_is_active(staffed, proceeding):
    with pytest.raises(RuleViolation) as refused:
        interview(staffed, proceeding, held_at=NOW + timedelta(days=2))
    assert refused.value.codes == ["GUARDIAN_REQUIRED"]
    assert "arranging an interview by police or immigration" in refused.value.messages[0]
    assert not ProceedingInterview.objects.exists()


def test_arranging_an_immigration_interview_is_refused_too(staffed, proceeding):
    with pytest.raises(RuleViolation) as refused:
        interview(staffed, proceeding, interviewer_kind="immigration", held_at=NOW + timedelta(hours=3))
    assert refused.value.codes == ["GUARDIAN_REQUIRED"]


def test_arranging_a_police_interview_is_allowed_once_a_guardian_is_active(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW - timedelta(days=3))
    recorded = interview(staffed, proceeding, held_at=NOW + timedelta(days=2),
                         special_measures=["video_recorded", "support_person"])  # fmt: skip
    assert recorded.interview.special_measures == ["video_recorded", "support_person"]
    assert (recorded.count, recorded.repeated, recorded.warning) == (1, False, "")
    assert not recorded.interview.without_guardian
    assert recorded.interview.review_due_at is None
    assert not Alert.objects.exists()


def test_an_interview_held_with_a_guardian_active_is_not_flagged(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW - timedelta(days=3))
    recorded = interview(staffed, proceeding)
    assert not recorded.interview.without_guardian
    assert not Alert.objects.exists()


def test_an_interview_already_held_without_a_guardian_is_recorded_flagged_and_alerted(staffed, proceeding):
    case, _caseworker, boss = staffed
    recorded = interview(staffed, proceeding, held_at=NOW - timedelta(hours=2), at=NOW)
    held = recorded.interview
    assert held.without_guardian
    assert held.review_due_at == NOW + timedelta(hours=24)
    alert = Alert.objects.get(kind=AlertKind.INTERVIEW_WITHOUT_GUARDIAN)
    assert (alert.role, alert.case, alert.key, alert.due_at) == ("supervisor", case, f"interview:{held.pk}",
                                                                 held.review_due_at)  # fmt: skip
    assert "without a representative or guardian" in alert.detail
    assert alert in alert_list(actor=boss)


def test_a_guardian_active_now_but_not_when_the_interview_was_held_is_alerted_at_once(staffed, proceeding):
    case = staffed[0]
    guardian = guardian_for(case, starts_at=NOW - timedelta(days=1))
    held = interview(staffed, proceeding, held_at=NOW - timedelta(days=2), at=NOW).interview
    assert held.without_guardian
    mine = Alert.objects.get(kind=AlertKind.INTERVIEW_WITHOUT_GUARDIAN, user=guardian)
    assert mine.key == f"interview:{held.pk}:guardian:{guardian.pk}"
    assert list(alert_list(actor=guardian)) == [mine]


def test_the_guardian_appointed_later_is_alerted_by_the_periodic_check_once(staffed, proceeding):
    case = staffed[0]
    held = interview(staffed, proceeding, held_at=NOW - timedelta(days=2), at=NOW - timedelta(days=1)).interview
    assert interview_reviews_alert(at=NOW - timedelta(hours=12)) == 0  # the supervisors already have theirs
    guardian = guardian_for(case, starts_at=NOW - timedelta(hours=1))
    assert interview_reviews_alert(at=NOW) == 1
    assert interview_reviews_alert(at=NOW) == 0
    assert Alert.objects.get(user=guardian).key == f"interview:{held.pk}:guardian:{guardian.pk}"


def test_a_prosecutor_interview_held_without_a_guardian_is_not_flagged(staffed, proceeding):
    recorded = interview(staffed, proceeding, interviewer_kind="prosecutor")
    assert not recorded.interview.without_guardian
    assert not Alert.objects.exists()


def test_the_guardian_must_be_active_when_the_interview_is_held(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW + timedelta(days=1))
    with pytest.raises(RuleViolation) as refused:
        interview(staffed, proceeding, held_at=NOW + timedelta(hours=12))
    assert refused.value.codes == ["GUARDIAN_REQUIRED"]
    assert interview(staffed, proceeding, held_at=NOW + timedelta(days=2)).interview.without_guardian is False


def test_an_urgent_interview_goes_ahead_with_its_reason_and_is_reviewed(staffed, proceeding):
    case, _, _boss = staffed
    with pytest.raises(ValidationError):
        interview(staffed, proceeding, urgent=True, held_at=NOW + timedelta(hours=1))
    recorded = interview(staffed, proceeding, urgent=True, urgent_reason="The suspect leaves the country tonight.",
                         held_at=NOW + timedelta(hours=1), at=NOW)  # fmt: skip
    urgent = recorded.interview
    assert urgent.urgent
    assert urgent.without_guardian  # urgent, and still the truth: no guardian was there
    assert urgent.review_due_at == NOW + timedelta(hours=25)
    alert = Alert.objects.get(case=case, role="supervisor")
    assert (alert.kind, alert.key) == (AlertKind.INTERVIEW_WITHOUT_GUARDIAN, f"interview:{urgent.pk}")
    assert "(urgent)" in alert.detail


def test_an_urgent_interview_with_a_guardian_is_reviewed_by_the_supervisor_and_the_guardian(staffed, proceeding):
    case, _, _boss = staffed
    guardian = guardian_for(case, starts_at=NOW - timedelta(days=3))
    urgent = interview(staffed, proceeding, urgent=True, urgent_reason="The accused flies out tonight.",
                       interviewer_kind="judge", at=NOW).interview  # fmt: skip
    assert not urgent.without_guardian
    supervisors = Alert.objects.get(kind=AlertKind.URGENT_ACTION_REVIEW, case=case)
    assert (supervisors.role, supervisors.key, supervisors.due_at) == ("supervisor", f"interview:{urgent.pk}",
                                                                       urgent.review_due_at)  # fmt: skip
    theirs = Alert.objects.get(kind=AlertKind.URGENT_ACTION_GUARDIAN_REVIEW, case=case)
    assert theirs.user == guardian


def test_a_supervisor_and_the_guardian_each_review_and_close_their_alert(staffed, proceeding):
    case, _caseworker, boss = staffed
    held = interview(staffed, proceeding, held_at=NOW - timedelta(days=2), at=NOW - timedelta(days=1)).interview
    guardian = guardian_for(case, starts_at=NOW - timedelta(hours=2))
    interview_reviews_alert(at=NOW)
    reviewed = interview_review(actor=boss, interview=held, review="Police told: never again without a guardian.",
                                at=NOW)  # fmt: skip
    assert (reviewed.supervisor_reviewed_by, reviewed.supervisor_reviewed_at) == (boss, NOW)
    assert not alert_list(actor=boss).filter(key=f"interview:{held.pk}").exists()
    assert alert_list(actor=guardian).exists()
    with pytest.raises(ValidationError):
        interview_review(actor=boss, interview=held, review="Again.")
    reviewed = interview_review(actor=guardian, interview=held, review="I asked for the recording.", at=NOW)
    assert stored(reviewed, "guardian_review", case=proceeding.case) == "I asked for the recording."
    assert not alert_list(actor=guardian).exists()
    assert Alert.objects.get(user=guardian).resolution == "done"
    assert interview_reviews_alert(at=NOW + timedelta(days=1)) == 0


def test_the_caseworker_and_the_supervisor_who_recorded_it_do_not_review_it(staffed, proceeding):
    _case, caseworker, boss = staffed
    held = interview(staffed, proceeding, held_at=NOW - timedelta(hours=5)).interview
    with pytest.raises(PermissionDenied):
        interview_review(actor=caseworker, interview=held, review="Fine.")
    own = interview_record(actor=boss, proceeding=proceeding, held_at=NOW - timedelta(hours=1),
                           interviewer_kind="police").interview  # fmt: skip
    with pytest.raises(PermissionDenied):
        interview_review(actor=boss, interview=own, review="Fine.")


def test_an_ordinary_interview_has_nothing_to_review(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW - timedelta(days=3))
    held = interview(staffed, proceeding).interview
    with pytest.raises(ValidationError):
        interview_review(actor=staffed[2], interview=held, review="Fine.")


def test_a_flagged_interview_always_has_its_review_due_in_the_database(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW - timedelta(days=3))
    held = interview(staffed, proceeding).interview
    with pytest.raises(IntegrityError), transaction.atomic():
        ProceedingInterview.objects.filter(pk=held.pk).update(without_guardian=True)


def test_the_interview_reviews_task_runs_the_check(staffed, proceeding):
    interview(staffed, proceeding)
    Alert.objects.all().delete()
    assert interview_reviews_check() == 1
    assert interview_reviews_check() == 0


def test_a_child_who_needs_no_guardian_may_be_interviewed(staffed):
    case, caseworker, _ = case_with_staff(child_facts={"nationalities": ["PT"]})
    recorded = interview_record(actor=caseworker, proceeding=proceeding_for(case, caseworker), held_at=NOW,
                                interviewer_kind="police")  # fmt: skip
    assert recorded.count == 1


def test_a_prosecutor_interview_is_not_gated(staffed, proceeding):
    assert interview(staffed, proceeding, interviewer_kind="prosecutor").count == 1


def test_interviews_are_counted_across_proceedings_and_repeated_ones_warn(staffed, proceeding):
    guardian_for(staffed[0], starts_at=NOW - timedelta(days=30))
    other = proceeding_for(staffed[0], staffed[1], reference="PROC-2026-0077", child_role="witness")
    assert not interview(staffed, proceeding, held_at=NOW - timedelta(days=5)).repeated
    assert not interview(staffed, other, held_at=NOW - timedelta(days=4)).repeated
    third = interview(staffed, proceeding, held_at=NOW - timedelta(days=3))
    assert (third.count, third.repeated) == (3, True)
    assert "3 times" in third.warning
    assert interview_count(case=staffed[0]) == 3
    assert criminal_proceeding_list(actor=staffed[1]).get(pk=proceeding.pk).interview_total == 2


@override_settings(HAVEN_INTERVIEWS_BEFORE_WARNING=0)
def test_the_repeated_interview_warning_is_a_setting(staffed, proceeding):
    assert interview(staffed, proceeding, interviewer_kind="judge").repeated


def test_an_unknown_special_measure_is_refused(staffed, proceeding):
    with pytest.raises(ValidationError):
        interview(staffed, proceeding, interviewer_kind="judge", special_measures=["handcuffs"])


def test_special_measures_are_requested_once_then_granted_or_refused(staffed, proceeding):
    caseworker = staffed[1]
    request = special_measure_request(actor=caseworker, proceeding=proceeding, measure="no_visual_contact",
                                      requested_on=date(2026, 2, 1))  # fmt: skip
    with pytest.raises(ValidationError):
        special_measure_request(actor=caseworker, proceeding=proceeding, measure="no_visual_contact",
                                requested_on=date(2026, 2, 2))  # fmt: skip
    decided = special_measure_decide(actor=caseworker, request=request, granted=True, decided_on=date(2026, 2, 10))
    assert decided.decision == MeasureDecision.GRANTED
    with pytest.raises(ValidationError):
        special_measure_decide(actor=caseworker, request=request, granted=False, decided_on=date(2026, 2, 11))


def test_a_representative_in_proceedings_is_appointed_and_ended(staffed, proceeding):
    caseworker = staffed[1]
    lawyer = representative_appoint(actor=caseworker, proceeding=proceeding, kind="lawyer", name="Dr. Ana Lobo",
                                    legal_aid=True, starts_on=date(2026, 1, 10))  # fmt: skip
    with pytest.raises(ValidationError):
        representative_end(actor=caseworker, representative=lawyer, ends_on=date(2026, 1, 1))
    assert representative_end(actor=caseworker, representative=lawyer, ends_on=date(2026, 6, 1)).ends_on


def test_the_stage_moves_forward_in_time(staffed, proceeding):
    caseworker = staffed[1]
    with pytest.raises(ValidationError):
        criminal_proceeding_stage_change(actor=caseworker, proceeding=proceeding, stage="trial", since=date(2025, 1, 1))
    moved = criminal_proceeding_stage_change(actor=caseworker, proceeding=proceeding, stage="trial",
                                             since=date(2026, 4, 1), court="District Court")  # fmt: skip
    assert (moved.stage, moved.court) == ("trial", "District Court")


def test_a_guardian_reads_proceedings_but_records_no_interview(staffed, proceeding):
    guardian = guardian_for(staffed[0])
    assert criminal_proceeding_list(actor=guardian).count() == 1
    with pytest.raises(PermissionDenied):
        interview_record(actor=guardian, proceeding=proceeding, held_at=NOW, interviewer_kind="judge")


# --- Compensation -------------------------------------------------------------------------
def test_a_compensation_claim_keeps_the_respondent_sealed(staffed, proceeding):
    case, caseworker, _ = staffed
    claim = compensation_claim_record(
        actor=caseworker, case=case, against="trafficker", respondent="R. Vidal", proceeding=proceeding,
        amount=Decimal("12000.00"), currency="eur", legal_aid=True, status="filed",
    )  # fmt: skip
    claim.refresh_from_db()
    assert claim.currency == "EUR"
    assert b"Vidal" not in bytes(claim.respondent)
    assert stored(compensation_claim_list(actor=guardian_for(case)).get(), "respondent", case.child) == "R. Vidal"


def test_an_amount_needs_a_currency_and_cannot_be_negative(staffed):
    case, caseworker, _ = staffed
    with pytest.raises(ValidationError):
        compensation_claim_record(actor=caseworker, case=case, against="state_fund", amount=Decimal("500"))
    with pytest.raises(ValidationError):
        compensation_claim_record(actor=caseworker, case=case, against="state_fund", amount=Decimal("-1"),
                                  currency="EUR")  # fmt: skip


def test_a_compensation_claim_is_awarded_with_its_amount(staffed):
    case, caseworker, _ = staffed
    claim = compensation_claim_record(actor=caseworker, case=case, against="employer", amount=Decimal("3000"),
                                      currency="EUR", status_since=date(2026, 1, 1))  # fmt: skip
    awarded = compensation_claim_status_change(actor=caseworker, claim=claim, status="awarded",
                                               since=date(2026, 5, 1), amount_awarded=Decimal("2500"))  # fmt: skip
    assert (awarded.status, awarded.amount_awarded) == ("awarded", Decimal("2500"))


def test_proceedings_of_another_child_cannot_carry_a_claim(staffed, proceeding):
    other_case, other_worker, _ = case_with_staff(agency=staffed[0].owning_agency)
    with pytest.raises(ValidationError):
        compensation_claim_record(actor=staffed[1], case=staffed[0], against="trafficker",
                                  proceeding=proceeding_for(other_case, other_worker))  # fmt: skip
