"""R1 in the admin: scoped like every channel, written only through the guardianship services."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.audit.models import RecordAccess
from apps.cases.selectors import case_list
from apps.core.rules import Violation, Violations
from apps.guardianship import rules
from apps.guardianship.models import (
    AppointmentKind,
    DecisionKind,
    GuardianAppointment,
    GuardianOpinion,
    GuardianProfile,
)
from apps.guardianship.selectors import active_appointment
from apps.guardianship.services import guardian_appoint, guardian_appointment_end, guardian_opinion_record
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.guardianship.factories import eligible_guardian, guardianship_authority, sealed_reason

pytestmark = pytest.mark.django_db

APPOINTMENTS = "admin:guardianship_guardianappointment_changelist"
ADD_APPOINTMENT = "admin:guardianship_guardianappointment_add"
OPINIONS = "admin:guardianship_guardianopinion_changelist"
ADD_OPINION = "admin:guardianship_guardianopinion_add"
PROFILES = "admin:guardianship_guardianprofile_changelist"
ADD_PROFILE = "admin:guardianship_guardianprofile_add"


def _message(code, **facts):
    return f"{Violation(code, facts).message} ({code})"


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _form_errors(response):
    return response.context["adminform"].form.non_field_errors()


@pytest.fixture
def agency():
    return AgencyFactory(name="Alvora Child Protection")


@pytest.fixture
def case(agency):
    return register(agency=agency, child_facts={"unaccompanied": True}).case


@pytest.fixture
def boss(agency):
    return _staff(supervisor_in(agency))


@pytest.fixture
def authority():
    return guardianship_authority()


@pytest.fixture
def guardian(authority):
    return eligible_guardian(authority)


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    return client


def _appoint(case, boss, guardian, kind=AppointmentKind.QUALIFIED, **kwargs):
    return guardian_appoint(actor=boss, case=case, guardian=guardian, kind=kind, **kwargs)


def _add(client, case, guardian, *, kind=AppointmentKind.QUALIFIED, over_cap_reason="", alongside_reason=""):
    return client.post(
        reverse(ADD_APPOINTMENT),
        {"case": case.pk, "guardian": guardian.pk, "kind": kind, "over_cap_reason": over_cap_reason,
         "alongside_reason": alongside_reason, "_save": "Save"},
    )  # fmt: skip


def _act(client, action, appointment, **data):
    return client.post(reverse(APPOINTMENTS), {"action": action, "_selected_action": [appointment.pk], **data})


def _change_url(name, obj):
    return reverse(f"admin:guardianship_{name}_change", args=[obj.pk])


# --- Who sees which appointments ----------------------------------------------------------------
def test_a_supervisor_sees_the_appointments_of_their_agencys_cases_only(boss_client, boss, case, guardian):
    mine = _appoint(case, boss, guardian)
    elsewhere = register(given="Other", family="Child").case
    theirs = _appoint(elsewhere, supervisor_in(elsewhere.owning_agency), eligible_guardian())

    response = boss_client.get(reverse(APPOINTMENTS))

    assert response.status_code == 200
    assert [a.pk for a in response.context["cl"].result_list] == [mine.pk]
    assert boss_client.get(_change_url("guardianappointment", mine)).status_code == 200
    assert boss_client.get(_change_url("guardianappointment", theirs)).status_code == 404


def test_a_guardian_sees_her_appointment_while_active_and_not_once_it_ended(client, boss, case, guardian):
    appointment = _appoint(case, boss, _staff(guardian))
    other_case = register(given="Other", family="Child").case
    _appoint(other_case, supervisor_in(other_case.owning_agency), eligible_guardian())
    client.force_login(guardian)

    assert [a.pk for a in client.get(reverse(APPOINTMENTS)).context["cl"].result_list] == [appointment.pk]

    guardian_appointment_end(actor=boss, appointment=appointment, reason="Ward moved to another region")
    # Through the case's visibility only: the list, the page and its history are gone, each refusal logged.
    assert list(client.get(reverse(APPOINTMENTS)).context["cl"].result_list) == []
    assert client.get(_change_url("guardianappointment", appointment)).status_code == 404
    history = reverse("admin:guardianship_guardianappointment_history", args=[appointment.pk])
    assert client.get(history).status_code == 404
    assert RecordAccess.objects.filter(actor=guardian, case=case, allowed=False).count() == 2


def test_superuser_status_opens_no_appointment(client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(APPOINTMENTS)).status_code == 403
    assert client.get(_change_url("guardianappointment", appointment)).status_code == 404
    assert client.get(reverse(ADD_APPOINTMENT)).status_code == 403


def test_a_caseworker_may_look_but_not_appoint(client, agency, case, boss, guardian):
    caseworker = _staff(MembershipFactory(role=Role.CASEWORKER, agency=agency).user)
    case.assigned_caseworker = caseworker
    case.save(update_fields=["assigned_caseworker"])
    appointment = _appoint(case, boss, guardian)
    client.force_login(caseworker)

    listing = client.get(reverse(APPOINTMENTS))
    assert [a.pk for a in listing.context["cl"].result_list] == [appointment.pk]
    assert listing.context["action_form"] is None, "no action is offered to a caseworker"
    assert client.get(reverse(ADD_APPOINTMENT)).status_code == 403
    assert _add(client, case, eligible_guardian()).status_code == 403
    _act(client, "end_without_successor", appointment, confirm="yes", reason="Misconduct")
    appointment.refresh_from_db()
    assert appointment.ends_at is None


# --- Appointing -------------------------------------------------------------------------------------
def test_the_form_offers_the_cases_the_user_sees_and_people_who_are_guardians(boss_client, case, guardian):
    hidden = register(given="Other", family="Child").case
    not_a_guardian = MembershipFactory(role=Role.CASEWORKER).user

    form = boss_client.get(reverse(ADD_APPOINTMENT)).context["adminform"].form

    assert list(form.fields["case"].queryset) == [case]
    assert hidden not in form.fields["case"].queryset
    guardians = set(form.fields["guardian"].queryset)
    assert guardian in guardians
    assert not_a_guardian not in guardians


def test_a_supervisor_appoints_an_eligible_guardian_through_the_service(boss_client, boss, case, guardian):
    response = _add(boss_client, case, guardian, kind=AppointmentKind.PROVISIONAL)

    assert response.status_code == 302, response.content.decode()[:2000]
    appointment = GuardianAppointment.objects.get(case=case)
    assert (appointment.guardian, appointment.kind, appointment.appointed_by) == (
        guardian, AppointmentKind.PROVISIONAL, boss,
    )  # fmt: skip
    assert active_appointment(case=case, at=timezone.now()) == appointment


@pytest.mark.parametrize(
    ("make_guardian", "expected"),
    [
        (lambda: eligible_guardian(trained=False), [_message("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED")]),
        (
            lambda: eligible_guardian(record_valid_days=-1),
            [_message("GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED")],
        ),
        (
            lambda: MembershipFactory(role=Role.GUARDIAN, agency=guardianship_authority()).user,
            [_message("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED"), _message("GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED")],
        ),
    ],
    ids=["not-qualified", "record-check-expired", "no-profile-at-all"],
)
def test_an_ineligible_guardian_is_refused_on_the_form_and_nothing_is_written(
    boss_client, case, make_guardian, expected
):
    response = _add(boss_client, case, make_guardian())

    assert response.status_code == 200
    assert _form_errors(response) == expected
    assert not GuardianAppointment.objects.filter(case=case).exists()


@pytest.mark.parametrize("kind", [AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION])
def test_a_guardian_on_the_staff_of_an_enforcement_agency_is_refused(boss_client, case, guardian, kind):
    police = AgencyFactory(kind=kind, name=f"The {kind} agency")
    MembershipFactory(user=guardian, agency=police, role=Role.PARTNER_STAFF)

    response = _add(boss_client, case, guardian)

    assert _form_errors(response) == [_message("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT", agency=police.name)]
    assert not GuardianAppointment.objects.filter(case=case).exists()


def test_a_guardian_on_the_staff_of_the_childs_care_provider_is_refused(boss_client, boss, case, guardian):
    from apps.care.models import Placement, PlacementKind

    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER, name="Casa Aurora")
    Placement.objects.create(case=case, kind=PlacementKind.FOSTER, provider=home, country="PT",
                             starts_at=timezone.now() - timedelta(days=1), recorded_by=boss)  # fmt: skip
    MembershipFactory(user=guardian, agency=home, role=Role.PARTNER_STAFF)

    response = _add(boss_client, case, guardian)

    assert _form_errors(response) == [_message("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT", agency="Casa Aurora")]
    assert not GuardianAppointment.objects.filter(case=case).exists()


def test_every_missing_condition_is_listed_at_once(boss_client, case):
    guardian = eligible_guardian(trained=False, record_valid_days=-1)
    police = AgencyFactory(kind=AgencyKind.POLICE, name="Alvora Police")
    MembershipFactory(user=guardian, agency=police, role=Role.PARTNER_STAFF)

    response = _add(boss_client, case, guardian)

    assert _form_errors(response) == [
        _message("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED"),
        _message("GUARDIAN_NOT_ELIGIBLE.RECORD_CHECK_EXPIRED"),
        _message("GUARDIAN_NOT_ELIGIBLE.NOT_INDEPENDENT", agency="Alvora Police"),
    ]
    assert not GuardianAppointment.objects.exists()


@override_settings(HAVEN_GUARDIAN_CASELOAD_CAP=1)
def test_a_full_caseload_is_refused_unless_the_supervisor_gives_a_reason(boss_client, boss, agency, case, guardian):
    _appoint(register(agency=agency, given="First", family="Ward").case, boss, guardian)

    refused = _add(boss_client, case, guardian)

    assert _form_errors(refused) == [_message("GUARDIAN_NOT_ELIGIBLE.CASELOAD_FULL", wards=1, cap=1)]
    assert not GuardianAppointment.objects.filter(case=case).exists()

    allowed = _add(boss_client, case, guardian, over_cap_reason="The only guardian who speaks Tigrinya")

    assert allowed.status_code == 302
    assert (
        stored(GuardianAppointment.objects.get(case=case), "over_cap_reason") == "The only guardian who speaks Tigrinya"
    )


def test_a_refusal_by_permission_is_a_form_error_too(client, boss, case, guardian):
    # A supervisor elsewhere who is this child's guardian sees the case, but may not appoint on it.
    supervisor_elsewhere = _staff(supervisor_in(AgencyFactory()))
    MembershipFactory(user=supervisor_elsewhere, agency=guardianship_authority(), role=Role.GUARDIAN)
    GuardianProfile.objects.create(
        user=supervisor_elsewhere,
        trained_on=timezone.localdate(),
        record_check_valid_until=timezone.localdate() + timedelta(days=30),
    )
    _appoint(case, boss, supervisor_elsewhere)
    client.force_login(supervisor_elsewhere)

    response = _add(client, case, guardian, kind=AppointmentKind.PROVISIONAL)

    assert response.status_code == 200
    assert _form_errors(response) == ["Only a supervisor appoints representatives and guardians."]
    assert not GuardianAppointment.objects.filter(case=case, guardian=guardian).exists()


def test_a_case_out_of_sight_cannot_be_chosen(boss_client, guardian):
    hidden = register(given="Other", family="Child").case

    response = _add(boss_client, hidden, guardian)

    assert response.status_code == 200
    assert "case" in response.context["adminform"].form.errors
    assert not GuardianAppointment.objects.exists()


def test_an_appointment_is_never_edited_or_deleted(boss_client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)
    page = boss_client.get(_change_url("guardianappointment", appointment))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields, "every field is read-only"

    edited = boss_client.post(
        _change_url("guardianappointment", appointment), {"kind": AppointmentKind.PROVISIONAL, "ends_at": ""}
    )
    deleted = boss_client.post(
        reverse("admin:guardianship_guardianappointment_delete", args=[appointment.pk]), {"post": "yes"}
    )

    assert (edited.status_code, deleted.status_code) == (403, 403)
    appointment.refresh_from_db()
    assert (appointment.kind, appointment.ends_at) == (AppointmentKind.QUALIFIED, None)


# --- Handing over ------------------------------------------------------------------------------------
def test_the_handover_asks_for_the_new_guardian_and_the_reason_first(boss_client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)

    response = _act(boss_client, "hand_over", appointment)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/guardianship/guardianappointment/handover.html"
    assert GuardianAppointment.objects.count() == 1


def test_a_handover_without_a_gap_goes_through_the_service(boss_client, boss, case, guardian):
    old = _appoint(case, boss, guardian, at=timezone.now() - timedelta(days=10))
    successor = eligible_guardian()

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=successor.pk,
                    kind=AppointmentKind.QUALIFIED, reason="Moved to another region")  # fmt: skip

    assert response.status_code == 302
    old.refresh_from_db()
    new = GuardianAppointment.objects.get(succeeds=old)
    assert new.guardian == successor
    assert old.ends_at is not None
    assert new.starts_at <= old.ends_at
    assert stored(old, "end_reason") == "Moved to another region"
    assert any("handed over" in m for m in _messages(response))


def test_a_handover_that_leaves_a_gap_is_refused_and_changes_nothing(boss_client, boss, case, guardian):
    old = _appoint(case, boss, guardian, at=timezone.now() - timedelta(days=10))
    later = timezone.localtime() + timedelta(days=2)

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=eligible_guardian().pk,
                    kind=AppointmentKind.QUALIFIED, reason="Moved to another region",
                    new_starts_at_0=later.strftime("%Y-%m-%d"), new_starts_at_1=later.strftime("%H:%M:%S"))  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [_message("GUARDIAN_HANDOVER_GAP")]
    old.refresh_from_db()
    assert old.ends_at is None
    assert GuardianAppointment.objects.count() == 1


def test_a_handover_that_takes_the_child_abroad_without_a_decided_solution_is_refused_in_the_admin(
    boss_client, boss, case, guardian
):
    old = _appoint(case, boss, guardian, at=timezone.now() - timedelta(days=10))
    abroad = AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY, country="ES")

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=eligible_guardian(abroad).pk,
                    kind=AppointmentKind.QUALIFIED, reason="Moving to Spain", moves_child_to="ES")  # fmt: skip

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert "ES" in errors[0]
    old.refresh_from_db()
    assert old.ends_at is None
    assert GuardianAppointment.objects.count() == 1


def test_a_handover_to_an_ineligible_guardian_is_refused_and_changes_nothing(boss_client, boss, case, guardian):
    old = _appoint(case, boss, guardian)

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=eligible_guardian(trained=False).pk,
                    kind=AppointmentKind.QUALIFIED, reason="Moved")  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [_message("GUARDIAN_NOT_ELIGIBLE.NOT_QUALIFIED")]
    old.refresh_from_db()
    assert old.ends_at is None
    assert GuardianAppointment.objects.count() == 1


def test_a_handover_needs_a_reason(boss_client, boss, case, guardian):
    old = _appoint(case, boss, guardian)

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=eligible_guardian().pk,
                    kind=AppointmentKind.QUALIFIED, reason="")  # fmt: skip

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert GuardianAppointment.objects.count() == 1


def test_an_appointment_already_ended_is_not_handed_over(boss_client, boss, case, guardian):
    old = _appoint(case, boss, guardian, at=timezone.now() - timedelta(days=3))
    old.ends_at, old.end_reason = timezone.now() - timedelta(days=1), sealed_reason(case, "Ended")
    old.save()

    response = _act(boss_client, "hand_over", old, confirm="yes", new_guardian=eligible_guardian().pk,
                    kind=AppointmentKind.QUALIFIED, reason="Moved")  # fmt: skip

    assert response.status_code == 302
    assert any("already ended" in m for m in _messages(response))
    assert GuardianAppointment.objects.count() == 1


# --- Ending without successor ----------------------------------------------------------------------
def test_ending_without_a_reason_is_refused_and_changes_nothing(boss_client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)

    response = _act(boss_client, "end_without_successor", appointment, confirm="yes", reason="  ")

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the appointment ends."]
    appointment.refresh_from_db()
    assert appointment.ends_at is None


def test_ending_with_a_reason_leaves_the_case_needing_a_guardian(boss_client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian, at=timezone.now() - timedelta(days=1))

    first = _act(boss_client, "end_without_successor", appointment)
    assert first.status_code == 200
    assert first.templates[0].name == "admin/guardianship/guardianappointment/end_confirmation.html"

    response = _act(boss_client, "end_without_successor", appointment, confirm="yes",
                    reason="Misconduct: removed by the authority")  # fmt: skip

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ends_at is not None
    assert stored(appointment, "end_reason") == "Misconduct: removed by the authority"
    found = Violations()
    rules.guardian_present(found, case=case, action="a BID", at=timezone.now())
    assert [v.code for v in found._found] == ["GUARDIAN_REQUIRED"]


# --- Opinions ----------------------------------------------------------------------------------------
@pytest.fixture
def ward(boss, case, guardian):
    _appoint(case, boss, _staff(guardian))
    return case


def _opinion(client, case, **data):
    return client.post(
        reverse(ADD_OPINION),
        {"case": case.pk, "decision": DecisionKind.AGE_ASSESSMENT, "subject": "7",
         "opinion_text": "Only a psycho-social assessment, with an interpreter", "agrees": "true", **data},
    )  # fmt: skip


def test_the_active_guardian_records_an_opinion_through_the_service(client, guardian, ward):
    client.force_login(guardian)

    response = _opinion(client, ward)

    assert response.status_code == 302, response.content.decode()[:2000]
    opinion = GuardianOpinion.objects.get(case=ward)
    assert (opinion.decision, opinion.subject, opinion.agrees) == (DecisionKind.AGE_ASSESSMENT, "7", True)
    assert opinion.appointment.guardian == guardian
    assert b"interpreter" not in bytes(opinion.opinion), "sealed"


def test_the_opinion_is_shown_opened_to_those_who_see_the_case_and_the_read_is_logged(client, boss, guardian, ward):
    opinion = guardian_opinion_record(actor=guardian, case=ward, decision=DecisionKind.DURABLE_SOLUTION, subject="3",
                                      opinion="Opposes return to Ouarzazate", agrees=False)  # fmt: skip
    for reader in (guardian, boss):
        client.force_login(reader)
        page = client.get(_change_url("guardianopinion", opinion))
        assert page.status_code == 200
        assert "Opposes return to Ouarzazate" in page.content.decode()
        assert RecordAccess.objects.filter(actor=reader, case=ward, channel="admin", allowed=True).exists()


def test_no_one_else_sees_the_opinion(client, guardian, ward):
    opinion = guardian_opinion_record(actor=guardian, case=ward, decision=DecisionKind.DURABLE_SOLUTION, subject="3",
                                      opinion="Opposes return to Ouarzazate", agrees=False)  # fmt: skip
    outsider = _staff(supervisor_in(AgencyFactory()))
    client.force_login(outsider)

    assert list(client.get(reverse(OPINIONS)).context["cl"].result_list) == []
    page = client.get(_change_url("guardianopinion", opinion))

    assert page.status_code == 404
    assert "Ouarzazate" not in page.content.decode()
    assert RecordAccess.objects.filter(actor=outsider, case=ward, allowed=False).exists()


def test_another_guardian_cannot_record_an_opinion_on_the_case(client, ward):
    other = _staff(eligible_guardian())
    client.force_login(other)

    assert list(client.get(reverse(ADD_OPINION)).context["adminform"].form.fields["case"].queryset) == []
    response = _opinion(client, ward)

    assert response.status_code == 200
    assert "case" in response.context["adminform"].form.errors
    assert not GuardianOpinion.objects.exists()


def test_a_representative_who_is_not_the_active_guardian_is_refused(client, boss, ward):
    # A provisional representative, while a qualified guardian is active: the guardian gives the opinion.
    representative = _staff(eligible_guardian())
    _appoint(ward, boss, representative, kind=AppointmentKind.PROVISIONAL)
    client.force_login(representative)

    response = _opinion(client, ward)

    assert response.status_code == 200
    assert _form_errors(response) == ["Only the child's active guardian records an opinion on this case."]
    assert not GuardianOpinion.objects.exists()


def test_a_caseworker_or_supervisor_does_not_record_opinions(boss_client, ward):
    assert boss_client.get(reverse(ADD_OPINION)).status_code == 403
    assert _opinion(boss_client, ward).status_code == 403


def test_an_opinion_is_not_changed_afterwards(client, guardian, ward):
    opinion = guardian_opinion_record(actor=guardian, case=ward, decision=DecisionKind.AGE_ASSESSMENT, subject="7",
                                      opinion="Agrees", agrees=True)  # fmt: skip
    client.force_login(guardian)

    edited = client.post(_change_url("guardianopinion", opinion), {"agrees": "false", "subject": "8"})
    again = _opinion(client, ward, agrees="false")
    deleted = client.post(reverse("admin:guardianship_guardianopinion_delete", args=[opinion.pk]), {"post": "yes"})

    assert edited.status_code == 403
    assert again.status_code == 200
    assert _form_errors(again) == ["Your opinion on this decision is already recorded; it is not changed."]
    assert deleted.status_code == 403
    opinion.refresh_from_db()
    assert (opinion.subject, opinion.agrees) == ("7", True)
    assert GuardianOpinion.objects.count() == 1


# --- Profiles ----------------------------------------------------------------------------------------
def _profile_data(**changes):
    today = timezone.localdate()
    return {
        "trained_on": today.isoformat(),
        "training": "National guardianship course",
        "record_checked_on": today.isoformat(),
        "record_check_valid_until": (today + timedelta(days=365)).isoformat(),
        "_save": "Save",
        **changes,
    }


def test_a_supervisor_of_the_authority_records_a_guardians_profile(client, authority):
    newcomer = MembershipFactory(role=Role.GUARDIAN, agency=authority).user
    elsewhere = MembershipFactory(role=Role.GUARDIAN, agency=guardianship_authority()).user
    client.force_login(_staff(supervisor_in(authority)))

    form = client.get(reverse(ADD_PROFILE)).context["adminform"].form
    assert list(form.fields["guardian"].queryset) == [newcomer]
    assert elsewhere not in form.fields["guardian"].queryset

    response = client.post(reverse(ADD_PROFILE), _profile_data(guardian=newcomer.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    profile = GuardianProfile.objects.get(user=newcomer)
    assert profile.trained_on == timezone.localdate()


def test_the_profile_is_updated_through_the_service(client, authority, guardian):
    client.force_login(_staff(supervisor_in(authority)))

    response = client.post(
        _change_url("guardianprofile", guardian.guardian_profile), _profile_data(trained_on="", training="")
    )

    assert response.status_code == 302
    guardian.guardian_profile.refresh_from_db()
    assert guardian.guardian_profile.trained_on is None


def test_profiles_are_kept_by_their_own_authority_only(client, guardian, boss):
    other_authority_boss = _staff(supervisor_in(guardianship_authority()))
    client.force_login(other_authority_boss)
    assert list(client.get(reverse(PROFILES)).context["cl"].result_list) == []
    assert client.get(_change_url("guardianprofile", guardian.guardian_profile)).status_code == 404

    # A supervisor of a child-protection agency keeps no guardian's profile.
    client.force_login(boss)
    assert client.get(reverse(PROFILES)).status_code == 403


# --- One of each kind at a time (GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED) ----------------------
def test_a_second_representative_is_refused_on_the_form(boss_client, boss, case, guardian):
    _appoint(case, boss, guardian, kind=AppointmentKind.PROVISIONAL)
    response = _add(boss_client, case, eligible_guardian(), kind=AppointmentKind.PROVISIONAL)
    assert response.status_code == 200
    assert _form_errors(response) == [
        _message("GUARDIAN_NOT_ELIGIBLE.ALREADY_APPOINTED", kind=AppointmentKind.PROVISIONAL.label)
    ]
    assert GuardianAppointment.objects.filter(case=case).count() == 1


def test_a_second_representative_with_a_reason_is_appointed_on_the_form(boss_client, boss, case, guardian):
    _appoint(case, boss, guardian, kind=AppointmentKind.PROVISIONAL)
    response = _add(boss_client, case, eligible_guardian(), kind=AppointmentKind.PROVISIONAL,
                    alongside_reason="A second representative for the hearing in the other district")  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GuardianAppointment.objects.filter(case=case).count() == 2


def test_ending_a_guardians_role_in_the_admin_ends_their_appointments(client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)
    membership = guardian.memberships.get(role=Role.GUARDIAN)
    admin = _staff(MembershipFactory(role=Role.AGENCY_ADMIN, agency=membership.agency).user)
    client.force_login(admin)
    client.post(reverse("admin:accounts_membership_changelist"),
                {"action": "end_memberships", "_selected_action": [membership.pk]})  # fmt: skip
    appointment.refresh_from_db()
    assert appointment.ends_at is not None
    assert case not in case_list(actor=guardian)


def test_an_appointment_whose_guardian_may_not_act_is_listed_as_suspended_not_active(boss_client, boss, case, guardian):
    appointment = _appoint(case, boss, guardian)
    guardian.memberships.update(ended_at=timezone.now())
    active = boss_client.get(reverse(APPOINTMENTS), {"status": "active"})
    suspended = boss_client.get(reverse(APPOINTMENTS), {"status": "suspended"})
    assert appointment not in active.context["cl"].result_list
    assert appointment in suspended.context["cl"].result_list
