"""Every service that takes a date a rule relies on refuses an implausible one, and nothing is written.

A birth date in 2999 or 1850 and an identification date in 2099 were accepted; each kind of
date (apps/core/dates.py) is tried here through a service that takes it.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.age import services as age
from apps.care.models import HeldEvent, MissingReport, Placement, PlacementKind, UrgentAction
from apps.care.services import held_record, missing_report, placement_record, urgent_action_record
from apps.cases.models import Case, Child
from apps.cases.services import ChildIdentity, case_details_update, child_identity_update
from apps.casework.models import CarePlanReview
from apps.casework.services import care_plan_review_schedule
from apps.complaints.models import Complaint
from apps.core.rules import RuleViolation
from apps.guardianship.models import GuardianProfile
from apps.guardianship.services import guardian_profile_record
from apps.rights.models import ProtectionClaim, ResidencePermit
from apps.rights.services import protection_claim_lodge, residence_permit_record
from apps.safety.models import RiskAssessment
from apps.safety.services import risk_assessment_record
from apps.support.models import SupportService
from apps.support.services import service_request
from tests.accounts.factories import MembershipFactory
from tests.care.factories import case_with_staff
from tests.cases.factories import read_identity, register, supervisor_in
from tests.complaints.factories import guardian_of, lodge
from tests.guardianship.factories import guardianship_authority

pytestmark = pytest.mark.django_db

FAR_FUTURE = datetime(2099, 1, 1, 12, 0, tzinfo=UTC)
LONG_AGO = datetime(1850, 1, 1, 12, 0, tzinfo=UTC)


def refused_with(code, call, *args, **kwargs):
    with pytest.raises(RuleViolation) as refused:
        call(*args, **kwargs)
    assert code in refused.value.codes, refused.value.codes
    return refused.value


@pytest.fixture
def staffed():
    return case_with_staff()


# --- Birth dates and the identification date -----------------------------------------------
@pytest.mark.parametrize(
    ("birth", "code"),
    [(date(2999, 1, 1), "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"), (date(1850, 6, 1), "DATE_NOT_PLAUSIBLE.TOO_EARLY")],
)
def test_a_child_born_in_2999_or_1850_is_not_registered(birth, code):
    refusal = refused_with(code, register, birth=birth)
    assert str(birth) in refusal.messages[0]
    assert not Child.objects.exists()
    assert not Case.objects.exists()


def test_an_adult_is_registered_with_their_real_birth_date():
    # Adults are in Haven (aftercare, disputed ages): no upper age, only the 1900 floor.
    case = register(birth=date(1961, 2, 3)).case
    assert read_identity(case.child).birth_date == date(1961, 2, 3)


def test_an_identification_date_in_2099_is_refused():
    refused_with("DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", register, identified_at=FAR_FUTURE)
    assert not Case.objects.exists()
    identified = timezone.now() - timedelta(days=3)
    assert register(identified_at=identified).case.identified_at == identified


@pytest.mark.parametrize("birth", [date(2999, 1, 1), date(1850, 1, 1)])
def test_the_birth_date_is_not_changed_to_an_implausible_one(staffed, birth):
    case, caseworker, _ = staffed
    identity = read_identity(case.child)
    with pytest.raises(RuleViolation, match="DATE_NOT_PLAUSIBLE"):
        child_identity_update(
            actor=caseworker, case=case, reason="Fictional: a typo.",
            identity=ChildIdentity(given_names=identity.given_names, birth_date=birth),
        )  # fmt: skip
    assert read_identity(case.child).birth_date == identity.birth_date


def test_a_reflection_period_ending_in_2099_is_refused(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD", case_details_update, actor=caseworker, case=case,
        expected_version=case.version, facts={"reflection_period_end": date(2099, 1, 1)},
    )  # fmt: skip
    assert Case.objects.get(pk=case.pk).reflection_period_end is None


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda w: age.identity_document_record(actor=w[1], case=w[0], kind="passport", issuing_country="MA",
                                                birth_date=date(2999, 1, 1)), "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
        (lambda w: age.age_claim_record(actor=w[1], case=w[0], birth_date=date(1850, 1, 1)),
         "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (lambda w: age.external_decision_record(actor=w[1], case=w[0], authority="Immigration", authority_country="PT",
                                                decided_on=date(2026, 2, 1), earliest_birth_date=date(1850, 1, 1),
                                                latest_birth_date=date(2008, 1, 1)), "DATE_NOT_PLAUSIBLE.TOO_EARLY"),
        (lambda w: age.external_decision_record(actor=w[1], case=w[0], authority="Immigration", authority_country="PT",
                                                decided_on=date(2099, 2, 1), earliest_birth_date=date(2007, 1, 1),
                                                latest_birth_date=date(2008, 1, 1)), "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE"),
    ],
)  # fmt: skip
def test_the_age_decisions_and_documents_refuse_implausible_birth_and_decision_dates(staffed, call, code):
    refused_with(code, call, staffed)


# --- Documents: issue in the past, expiry ahead within its horizon -------------------------------
def test_a_permit_issued_in_2099_is_refused_but_one_valid_for_ten_years_is_kept(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", residence_permit_record, actor=caseworker, case=case, kind="victim",
        issued_on=date(2099, 1, 1),
    )  # fmt: skip
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD", residence_permit_record, actor=caseworker, case=case, kind="victim",
        issued_on=date(2026, 1, 1), expires_on=date(2099, 1, 1),
    )  # fmt: skip
    assert not ResidencePermit.objects.exists()
    today = timezone.localdate()
    permit = residence_permit_record(actor=caseworker, case=case, kind="victim", issued_on=today,
                                     expires_on=today.replace(year=today.year + 10) - timedelta(days=1))  # fmt: skip
    assert permit.expires_on > today


# --- Claims, held, missing, urgent actions, complaints: they have happened -------------------------
def test_a_claim_lodged_in_2099_is_refused(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", protection_claim_lodge, actor=caseworker, case=case, kind="asylum",
        lodged_on=date(2099, 1, 1), authority="National Asylum Office",
    )  # fmt: skip
    assert not ProtectionClaim.objects.exists()


@pytest.mark.parametrize("when", [FAR_FUTURE, LONG_AGO])
def test_held_missing_and_urgent_times_must_be_plausible(staffed, when):
    case, caseworker, _ = staffed
    with pytest.raises(RuleViolation, match="DATE_NOT_PLAUSIBLE"):
        held_record(actor=caseworker, case=case, since=when)
    with pytest.raises(RuleViolation, match="DATE_NOT_PLAUSIBLE"):
        missing_report(actor=caseworker, case=case, missing_since=when)
    with pytest.raises(RuleViolation, match="DATE_NOT_PLAUSIBLE"):
        missing_report(actor=caseworker, case=case, police_reported_at=when)
    with pytest.raises(RuleViolation, match="DATE_NOT_PLAUSIBLE"):
        urgent_action_record(actor=caseworker, case=case, kind="medical_care", reason="Fictional.",
                             taken_at=when)  # fmt: skip
    assert not HeldEvent.objects.exists()
    assert not MissingReport.objects.exists()
    assert not UrgentAction.objects.exists()


def test_a_held_time_a_few_hours_ago_is_recorded(staffed):
    case, caseworker, _ = staffed
    since = timezone.now() - timedelta(hours=5)
    assert held_record(actor=caseworker, case=case, since=since).since == since


def test_a_complaint_lodged_in_2099_is_refused(staffed):
    case, _, supervisor = staffed
    guardian = guardian_of(case, appointed_by=supervisor)
    refused_with("DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", lodge, guardian, case, lodged_at=FAR_FUTURE)
    assert not Complaint.objects.exists()


def test_a_service_requested_in_1850_is_refused(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_EARLY", service_request, actor=caseworker, case=case, kind="counselling",
        provider_name="Centro Comunitário do Mar", requested_at=LONG_AGO,
    )  # fmt: skip
    assert not SupportService.objects.exists()


def test_a_risk_assessment_dated_1850_is_refused(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_EARLY", risk_assessment_record, actor=caseworker, case=case,
        expected_version=case.version, level="high", assessed_at=LONG_AGO,
    )  # fmt: skip
    assert not RiskAssessment.objects.exists()


# --- Planned: ahead, within the horizon --------------------------------------------------------
def test_a_placement_starting_in_2099_is_refused(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD", placement_record, actor=caseworker, case=case, kind=PlacementKind.FOSTER,
        starts_at=FAR_FUTURE,
    )  # fmt: skip
    assert not Placement.objects.exists()


def test_a_care_plan_review_is_planned_within_two_years(staffed):
    case, caseworker, _ = staffed
    refused_with(
        "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD", care_plan_review_schedule, actor=caseworker, case=case,
        due_on=date(2099, 1, 1),
    )  # fmt: skip
    assert not CarePlanReview.objects.exists()
    due = timezone.localdate() + timedelta(days=365)
    assert care_plan_review_schedule(actor=caseworker, case=case, due_on=due).due_on == due


# --- A guardian's eligibility ----------------------------------------------------------------
def test_a_guardians_training_in_2999_or_a_check_valid_until_2099_is_refused():
    authority = guardianship_authority()
    guardian = MembershipFactory(role="guardian", agency=authority).user
    supervisor = supervisor_in(authority)
    with pytest.raises(RuleViolation) as refused:
        guardian_profile_record(actor=supervisor, guardian=guardian, trained_on=date(2999, 1, 1),
                                record_check_valid_until=date(2099, 1, 1))  # fmt: skip
    assert refused.value.codes == ["DATE_NOT_PLAUSIBLE.IN_THE_FUTURE", "DATE_NOT_PLAUSIBLE.TOO_FAR_AHEAD"]
    assert not GuardianProfile.objects.exists()
    today = timezone.localdate()
    profile = guardian_profile_record(actor=supervisor, guardian=guardian, trained_on=date(1998, 5, 1),
                                      record_check_valid_until=today + timedelta(days=365))  # fmt: skip
    assert profile.trained_on == date(1998, 5, 1)
