"""R1 — guardian appointment, through the services."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.cases.selectors import case_list
from apps.core.rules import RuleViolation, Violations
from apps.guardianship import rules
from apps.guardianship.models import AppointmentKind, DecisionKind, GuardianAppointment
from apps.guardianship.selectors import active_appointment
from apps.guardianship.services import (
    guardian_appoint,
    guardian_appointment_end,
    guardian_deadlines_alert,
    guardian_handover,
    guardian_opinion_record,
    guardian_profile_record,
)
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import stored
from tests.guardianship.factories import eligible_guardian, guardianship_authority

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def case():
    return register(child_facts={"unaccompanied": True}).case


@pytest.fixture
def boss(case):
    return supervisor_in(case.owning_agency)


def appoint(case, boss, guardian, **kwargs):
    return guardian_appoint(actor=boss, case=case, guardian=guardian, kind=kwargs.pop("kind", AppointmentKind.QUALIFIED),
                            **kwargs)  # fmt: skip


def codes(refused):
    return refused.value.codes


# --- Who needs one, and what waits for one ----------------------------------------------------
def test_an_unaccompanied_child_needs_a_guardian_before_an_age_assessment(case):
    found = Violations()
    rules.guardian_present(found, case=case, action="an age assessment", at=NOW)
    with pytest.raises(RuleViolation) as refused:
        found.raise_if_any()
    assert codes(refused) == ["GUARDIAN_REQUIRED"]
    assert "an age assessment" in refused.value.messages[0]


def test_an_active_guardian_lets_it_through(case, boss):
    appoint(case, boss, eligible_guardian())
    found = Violations()
    rules.guardian_present(found, case=case, action="an age assessment", at=timezone.now())
    assert not found


def test_a_child_with_parents_who_are_not_implicated_needs_none():
    case = register(child_facts={"unaccompanied": False}).case
    found = Violations()
    rules.guardian_present(found, case=case, action="a referral to the police", at=NOW)
    assert not found


@pytest.mark.parametrize("flag", ["unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest"])
def test_each_reason_to_need_a_guardian(flag):
    case = register(child_facts={flag: True}).case
    assert rules.needs_guardian(case.child)


# --- Eligibility --------------------------------------------------------------------------------
def test_an_eligible_guardian_is_appointed_and_sees_the_case(case, boss):
    guardian = eligible_guardian()
    appointment = appoint(case, boss, guardian)
    assert active_appointment(case=case, at=timezone.now()) == appointment
    assert case in case_list(actor=guardian)


def test_an_untrained_guardian_is_refused(case, boss):
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, eligible_guardian(trained=False))
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED"]


def test_an_expired_record_check_is_refused(case, boss):
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, eligible_guardian(record_valid_days=-1))
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED"]


@pytest.mark.parametrize("kind", [AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION])
def test_staff_of_enforcement_agencies_are_not_independent(case, boss, kind):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=kind), role=Role.PARTNER_STAFF)
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, guardian)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT"]


def test_staff_of_the_care_provider_where_the_child_lives_are_not_independent(case, boss):
    from apps.care.models import Placement, PlacementKind

    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER)
    Placement.objects.create(case=case, kind=PlacementKind.FOSTER, provider=home, country="PT",
                             starts_at=NOW - timedelta(days=1),
                             recorded_by=boss)  # fmt: skip
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=home, role=Role.PARTNER_STAFF)
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, guardian)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT"]


def test_every_missing_condition_is_listed_at_once(case, boss):
    guardian = eligible_guardian(trained=False, record_valid_days=-1)
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=AgencyKind.POLICE), role=Role.PARTNER_STAFF)
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, guardian)
    assert set(codes(refused)) == {
        "GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED",
        "GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED",
        "GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT",
    }


@override_settings(HAVEN_GUARDIAN_CASELOAD_CAP=2)
def test_the_caseload_cap_refuses_one_more_ward(boss, case):
    guardian = eligible_guardian()
    for _ in range(2):
        other = register(case.registered_by, case.owning_agency, given="Other", family="Ward").case
        appoint(other, boss, guardian)
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, guardian)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL"]


@override_settings(HAVEN_GUARDIAN_CASELOAD_CAP=1)
def test_a_supervisor_may_exceed_the_cap_with_a_reason(boss, case):
    guardian = eligible_guardian()
    appoint(register(case.registered_by, case.owning_agency, given="First", family="Ward").case, boss, guardian)
    appointment = appoint(case, boss, guardian, over_cap_reason="The only guardian who speaks Tigrinya")
    assert stored(appointment, "over_cap_reason") == "The only guardian who speaks Tigrinya"


def test_only_a_supervisor_appoints(case):
    with pytest.raises(PermissionDenied):
        appoint(case, case.registered_by, eligible_guardian())


def test_a_supervisor_of_the_guardianship_authority_may_appoint(case):
    authority = guardianship_authority()
    appointment = appoint(case, supervisor_in(authority), eligible_guardian(authority))
    assert appointment.pk


# --- Two appointments racing for the last place ---------------------------------------------------
@pytest.mark.django_db(transaction=True)
@override_settings(HAVEN_GUARDIAN_CASELOAD_CAP=1)
def test_two_appointments_racing_for_the_last_place_one_wins():
    first = register(child_facts={"unaccompanied": True}).case
    second = register(first.registered_by, first.owning_agency, given="Second", family="Child").case
    boss = supervisor_in(first.owning_agency)
    guardian = eligible_guardian()
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(case) -> None:
        try:
            barrier.wait()
            appoint(case, boss, guardian)
            outcomes.append("appointed")
        except RuleViolation as refused:
            outcomes.append(refused.codes[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL", "appointed"]
    assert GuardianAppointment.objects.filter(guardian=guardian).count() == 1


# --- Handover and ending --------------------------------------------------------------------------
def test_a_handover_starts_the_new_appointment_when_the_old_ends(case, boss):
    old = appoint(case, boss, eligible_guardian())
    moment = timezone.now()
    new = guardian_handover(
        actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="moved region", at=moment
    )
    old.refresh_from_db()
    assert old.ends_at == moment == new.starts_at
    assert new.succeeds == old
    assert active_appointment(case=case, at=moment + timedelta(seconds=1)) == new


def test_a_handover_with_a_gap_is_refused(case, boss):
    old = appoint(case, boss, eligible_guardian())
    moment = timezone.now()
    with pytest.raises(RuleViolation) as refused:
        guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="x", at=moment,
                          new_starts_at=moment + timedelta(days=2))  # fmt: skip
    assert codes(refused) == ["GUARDIAN_HANDOVER_GAP"]
    old.refresh_from_db()
    assert old.ends_at is None, "nothing changed"


def test_a_handover_that_takes_the_child_abroad_without_a_decided_solution_is_refused(case, boss):
    # The child moves with the handover: R4's whole gate first, nothing written.
    old = appoint(case, boss, eligible_guardian())
    abroad = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country="ES")
    with pytest.raises(RuleViolation) as refused:
        guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(abroad), reason="moving to ES",
                          moves_child_to="es")  # fmt: skip
    assert codes(refused) == ["RETURN_REQUIRES_BID.NO_DECIDED_SOLUTION"]
    old.refresh_from_db()
    assert old.ends_at is None
    assert GuardianAppointment.objects.filter(case=case).count() == 1


def test_a_handover_that_takes_the_child_abroad_on_a_decided_solution_whose_gate_holds_goes_through():
    from apps.solutions.models import SolutionType
    from apps.solutions.services import solution_decide
    from tests.solutions.factories import return_ready, world

    w = world(country="PT", origin="ES")
    solution = return_ready(w, kind=SolutionType.RETURN, country="ES")
    solution_decide(actor=w.supervisor, solution=solution, reason="Fictional: safe with her aunt in Vigo")
    old = active_appointment(case=w.case, at=timezone.now())
    abroad = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country="ES")
    new = guardian_handover(actor=w.supervisor, appointment=old, new_guardian=eligible_guardian(abroad),
                            reason="returned to ES", moves_child_to="ES")  # fmt: skip
    assert new.guardian.memberships.get().agency.country == "ES"
    assert new.succeeds == old


def test_a_guardian_abroad_for_a_child_who_stays_is_no_move(case, boss):
    # A Spanish-speaking guardian from across the border for a child who lives where she is.
    old = appoint(case, boss, eligible_guardian())
    abroad = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country="ES")
    new = guardian_handover(
        actor=boss, appointment=old, new_guardian=eligible_guardian(abroad), reason="speaks his language"
    )
    assert new.guardian.memberships.get().agency.country == "ES"


def test_a_handover_with_a_move_inside_the_country_asks_no_border_gate(case, boss):
    old = appoint(case, boss, eligible_guardian())
    new = guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="moved region",
                            moves_child_to=case.owning_agency.country)  # fmt: skip
    assert new.succeeds == old


def test_ending_without_successor_needs_a_reason_and_the_case_needs_a_guardian_again(case, boss):
    appointment = appoint(case, boss, eligible_guardian())
    with pytest.raises(ValidationError):
        guardian_appointment_end(actor=boss, appointment=appointment, reason=" ")
    guardian_appointment_end(actor=boss, appointment=appointment, reason="Misconduct: removed by the authority")
    found = Violations()
    rules.guardian_present(found, case=case, action="a BID", at=timezone.now() + timedelta(seconds=1))
    assert bool(found)


def test_an_ended_guardian_no_longer_sees_the_case(case, boss):
    guardian = eligible_guardian()
    appointment = appoint(case, boss, guardian)
    guardian_appointment_end(actor=boss, appointment=appointment, reason="Ward turned 18", at=timezone.now())
    assert case not in case_list(actor=guardian)


# --- Opinions ------------------------------------------------------------------------------------
def test_a_decision_waits_for_the_guardians_opinion(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    found = Violations()
    rules.guardian_opinion_recorded(found, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7", action="x")
    assert [v.code for v in found._found] == ["GUARDIAN_OPINION_REQUIRED"]
    guardian_opinion_record(actor=guardian, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7",
                            opinion="Agrees with a psycho-social assessment only", agrees=True)  # fmt: skip
    found = Violations()
    rules.guardian_opinion_recorded(found, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7", action="x")
    assert not found


def test_an_opinion_of_a_guardian_since_handed_over_speaks_for_nobody(case, boss):
    old_guardian = eligible_guardian()
    old = appoint(case, boss, old_guardian, at=timezone.now() - timedelta(days=10))
    guardian_opinion_record(actor=old_guardian, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7",
                            opinion="Agrees", agrees=True, at=timezone.now() - timedelta(days=5))  # fmt: skip
    successor = eligible_guardian()
    guardian_handover(actor=boss, appointment=old, new_guardian=successor, reason="moved region")
    found = Violations()
    rules.guardian_opinion_recorded(found, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7", action="x")
    assert [v.code for v in found._found] == ["GUARDIAN_OPINION_REQUIRED"], "the successor is asked"
    guardian_opinion_record(actor=successor, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7",
                            opinion="Agrees too", agrees=True)  # fmt: skip
    found = Violations()
    rules.guardian_opinion_recorded(found, case=case, decision=DecisionKind.AGE_ASSESSMENT, subject="7", action="x")
    assert not found


def test_only_the_active_guardian_records_an_opinion(case, boss):
    appoint(case, boss, eligible_guardian())
    with pytest.raises(Http404):
        guardian_opinion_record(actor=eligible_guardian(), case=case, decision=DecisionKind.BEST_INTERESTS_DETERMINATION,
                                subject="1", opinion="x", agrees=None)  # fmt: skip


def test_the_opinion_is_stored_sealed(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    record = guardian_opinion_record(actor=guardian, case=case, decision=DecisionKind.DURABLE_SOLUTION, subject="3",
                                     opinion="Opposes return to Ouarzazate", agrees=False)  # fmt: skip
    assert b"Ouarzazate" not in bytes(record.opinion)


# --- Deadlines ------------------------------------------------------------------------------------
def test_a_guardian_overdue_alert_goes_to_the_supervisors_once(case):
    later = case.identified_at + timedelta(hours=25)
    assert guardian_deadlines_alert(at=later) == 1
    assert guardian_deadlines_alert(at=later) == 0, "running twice alerts once"
    alert = Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE, case=case)
    assert alert.role == Role.SUPERVISOR
    assert alert.agency == case.owning_agency
    assert "provisional representative" in alert.detail


def test_no_alert_before_the_deadline(case):
    assert guardian_deadlines_alert(at=case.identified_at + timedelta(hours=23)) == 0


def test_the_qualified_guardian_deadline_counts_working_days(case, boss):
    appoint(case, boss, eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    assert guardian_deadlines_alert(at=case.identified_at + timedelta(days=14)) == 0
    assert guardian_deadlines_alert(at=case.identified_at + timedelta(days=22)) == 1
    assert Alert.objects.get(case=case).key == f"qualified:{case.pk}"


def test_a_child_who_needs_no_guardian_raises_nothing():
    case = register(child_facts={"unaccompanied": False}).case
    assert guardian_deadlines_alert(at=case.identified_at + timedelta(days=40)) == 0


def test_a_profile_is_recorded_by_the_guardians_authority():
    authority = guardianship_authority()
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=authority).user
    profile = guardian_profile_record(actor=supervisor_in(authority), guardian=guardian, trained_on=NOW.date(),
                                      record_check_valid_until=NOW.date() + timedelta(days=365))  # fmt: skip
    assert profile.trained_on
    with pytest.raises(PermissionDenied):
        guardian_profile_record(actor=supervisor_in(AgencyFactory()), guardian=guardian)


def test_a_guardian_ended_without_successor_is_overdue_again(case, boss):
    appointment = appoint(case, boss, eligible_guardian())
    ended = timezone.now()
    guardian_appointment_end(actor=boss, appointment=appointment, reason="Misconduct", at=ended)
    assert guardian_deadlines_alert(at=ended + timedelta(hours=23)) == 0
    assert guardian_deadlines_alert(at=ended + timedelta(hours=25)) == 1
    assert guardian_deadlines_alert(at=ended + timedelta(hours=26)) == 0
    assert Alert.objects.filter(case=case, key__startswith="vacant:").count() == 1


def test_someone_without_an_active_guardian_role_cannot_be_appointed(case, boss):
    guardian = eligible_guardian()
    guardian.memberships.update(ended_at=timezone.now())
    with pytest.raises(ValidationError):
        appoint(case, boss, guardian)


def test_an_appointment_is_handed_over_once(case, boss):
    old = appoint(case, boss, eligible_guardian())
    guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="moved")
    with pytest.raises(ValidationError):
        guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="again")


def test_a_handover_needs_a_supervisor(case, boss):
    old = appoint(case, boss, eligible_guardian())
    with pytest.raises(PermissionDenied):
        guardian_handover(actor=case.registered_by, appointment=old, new_guardian=eligible_guardian(), reason="x")


def test_an_opinion_is_recorded_once(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    kwargs = {"actor": guardian, "case": case, "decision": DecisionKind.BEST_INTERESTS_ASSESSMENT, "subject": "1",
              "opinion": "Agrees", "agrees": True}  # fmt: skip
    guardian_opinion_record(**kwargs)
    with pytest.raises(ValidationError):
        guardian_opinion_record(**kwargs)


# --- A guardian is active only while they may act as one (role ended, account closed) ----------
def _end_guardian_role(guardian, at=None):
    from apps.accounts.services import membership_end

    membership = guardian.memberships.filter(role=Role.GUARDIAN, ended_at__isnull=True).earliest("started_at")
    admin = MembershipFactory(role=Role.AGENCY_ADMIN, agency=membership.agency).user
    return membership_end(actor=admin, membership=membership, at=at)


def test_ending_the_guardians_role_ends_the_appointment_with_its_reason(case, boss):
    guardian = eligible_guardian()
    appointment = appoint(case, boss, guardian)
    moment = timezone.now()
    _end_guardian_role(guardian, at=moment)
    appointment.refresh_from_db()
    assert appointment.ends_at == moment
    assert "role ended" in stored(appointment, "end_reason")
    assert active_appointment(case=case, at=moment + timedelta(seconds=1)) is None


def test_ending_the_guardians_role_makes_the_case_guardian_required_again(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    _end_guardian_role(guardian)
    found = Violations()
    rules.guardian_present(found, case=case, action="a BID", at=timezone.now() + timedelta(seconds=1))
    assert [v.code for v in found._found] == ["GUARDIAN_REQUIRED"]


def test_ending_the_guardians_role_raises_guardian_overdue_to_the_supervisors_at_once(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    moment = timezone.now()
    _end_guardian_role(guardian, at=moment)
    alert = Alert.objects.get(kind=AlertKind.GUARDIAN_OVERDUE, case=case)
    assert alert.role == Role.SUPERVISOR
    assert alert.agency == case.owning_agency
    assert alert.key.startswith("vacant:")
    assert "role ended" in alert.detail
    assert guardian_deadlines_alert(at=moment + timedelta(hours=30)) == 0, "the periodic check does not repeat it"


def test_ending_the_guardians_role_takes_the_case_out_of_their_sight(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    assert case in case_list(actor=guardian)
    _end_guardian_role(guardian)
    assert case not in case_list(actor=guardian)


def test_a_guardian_still_held_by_another_authority_keeps_their_wards(case, boss):
    guardian = eligible_guardian()
    appointment = appoint(case, boss, guardian)
    MembershipFactory(user=guardian, agency=guardianship_authority(), role=Role.GUARDIAN,
                      started_at=timezone.now() - timedelta(days=1))  # fmt: skip
    _end_guardian_role(guardian)
    appointment.refresh_from_db()
    assert appointment.ends_at is None
    assert not Alert.objects.filter(case=case).exists()


def test_ending_the_guardians_role_with_a_second_guardian_active_raises_nothing(case, boss):
    leaving = eligible_guardian()
    appoint(case, boss, leaving, kind=AppointmentKind.PROVISIONAL)
    appoint(case, boss, eligible_guardian(), kind=AppointmentKind.QUALIFIED)
    _end_guardian_role(leaving)
    assert not Alert.objects.filter(case=case).exists()


def test_a_guardian_whose_account_is_closed_is_no_active_guardian(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    guardian.is_active = False
    guardian.save()
    moment = timezone.now()
    assert active_appointment(case=case, at=moment) is None
    found = Violations()
    rules.guardian_present(found, case=case, action="a BID", at=moment)
    assert bool(found)
    assert guardian_deadlines_alert(at=moment + timedelta(hours=25)) >= 1
    assert Alert.objects.filter(case=case, key__startswith="vacant:").count() == 1


def test_a_suspended_guardian_cannot_record_an_opinion(case, boss):
    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    guardian.memberships.update(ended_at=timezone.now())
    with pytest.raises(Http404):
        guardian_opinion_record(actor=guardian, case=case, decision=DecisionKind.DURABLE_SOLUTION, subject="3",
                                opinion="x", agrees=None)  # fmt: skip


# --- One of each kind at a time: a handover, or a refusal, or a recorded reason ------------------
@pytest.mark.parametrize("kind", [AppointmentKind.PROVISIONAL, AppointmentKind.QUALIFIED])
def test_a_second_appointment_of_the_same_kind_is_refused(case, boss, kind):
    appoint(case, boss, eligible_guardian(), kind=kind)
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, eligible_guardian(), kind=kind)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED"]
    assert GuardianAppointment.objects.filter(case=case).count() == 1


def test_a_second_appointment_of_the_same_kind_is_allowed_with_a_reason(case, boss):
    appoint(case, boss, eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    second = appoint(case, boss, eligible_guardian(), kind=AppointmentKind.PROVISIONAL,
                     alongside_reason="Siblings placed apart: each representative attends one hearing")  # fmt: skip
    assert stored(second, "alongside_reason") == "Siblings placed apart: each representative attends one hearing"


def test_a_qualified_guardian_may_join_a_provisional_representative(case, boss):
    appoint(case, boss, eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    assert appoint(case, boss, eligible_guardian(), kind=AppointmentKind.QUALIFIED).pk


def test_a_handover_is_not_a_second_appointment(case, boss):
    old = appoint(case, boss, eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    new = guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="moved region")
    assert new.kind == AppointmentKind.PROVISIONAL


def test_an_ended_appointment_leaves_room_for_a_new_one(case, boss):
    old = appoint(case, boss, eligible_guardian())
    moment = timezone.now()
    guardian_appointment_end(actor=boss, appointment=old, reason="Misconduct", at=moment)
    assert appoint(case, boss, eligible_guardian(), at=moment + timedelta(seconds=1)).pk


def test_a_suspended_appointment_still_holds_its_place_until_handed_over(case, boss):
    guardian = eligible_guardian()
    old = appoint(case, boss, guardian)
    guardian.is_active = False
    guardian.save()
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, eligible_guardian())
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED"]
    new = guardian_handover(actor=boss, appointment=old, new_guardian=eligible_guardian(), reason="account closed")
    assert active_appointment(case=case, at=timezone.now() + timedelta(seconds=1)) == new


# --- Independence holds after the appointment too ----------------------------------------------
def test_a_guardian_with_open_appointments_is_refused_a_police_role(case, boss):
    from apps.accounts.services import membership_grant

    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    police = AgencyFactory(kind=AgencyKind.POLICE, name="Alvora Police")
    admin = MembershipFactory(role=Role.AGENCY_ADMIN, agency=police).user
    with pytest.raises(RuleViolation) as refused:
        membership_grant(actor=admin, user=guardian, agency=police, role=Role.PARTNER_STAFF)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT"]


def test_a_guardian_may_take_a_role_in_an_independent_agency(case, boss):
    from apps.accounts.services import membership_grant

    guardian = eligible_guardian()
    appoint(case, boss, guardian)
    ngo = AgencyFactory(kind=AgencyKind.NGO_SERVICE_PROVIDER)
    admin = MembershipFactory(role=Role.AGENCY_ADMIN, agency=ngo).user
    assert membership_grant(actor=admin, user=guardian, agency=ngo, role=Role.PARTNER_STAFF).is_pending


def test_a_pending_police_role_already_makes_a_guardian_dependent(case, boss):
    guardian = eligible_guardian()
    MembershipFactory(user=guardian, agency=AgencyFactory(kind=AgencyKind.POLICE), role=Role.PARTNER_STAFF,
                      pending=True)  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        appoint(case, boss, guardian)
    assert codes(refused) == ["GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT"]
