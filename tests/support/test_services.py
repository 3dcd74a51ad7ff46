"""R5 through the service layer: services are requested, provided, ended or declined — never on conditions;
"other" waits for a supervisor; handing over to adult services waits for the presumption of minority to end."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import AgencyKind, Role
from apps.age.models import DocumentKind
from apps.age.services import age_claim_record, identity_document_record
from apps.alerts.models import Alert, AlertKind
from apps.cases import htcds
from apps.core.rules import RuleViolation
from apps.support.models import (
    ApprovalStatus,
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    OtherReasonApproval,
    OtherStep,
    ServiceKind,
    ServiceStatus,
    SupportService,
)
from apps.support.rules import grounds_named
from apps.support.selectors import service_list
from apps.support.services import (
    cooperation_record,
    other_reason_approve,
    other_reason_refuse,
    service_decline,
    service_end,
    service_request,
    service_start,
)
from tests.accounts.factories import AgencyFactory
from tests.cases.sealed import stored
from tests.support.factories import NOW, case_with_staff, provider_with_staff, requested, stateless

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


def codes(refusal):
    return refusal.value.codes


# --- Every child receives every service ---------------------------------------------------------
def _every_service(case, caseworker):
    provider, staff = provider_with_staff()
    for kind in ServiceKind.values:
        service = requested(case, caseworker, kind, provider=provider)
        service = service_start(actor=staff, service=service)
        assert service.status == ServiceStatus.PROVIDED
    return SupportService.objects.filter(case=case, status=ServiceStatus.PROVIDED)


def test_a_child_who_declines_to_cooperate_receives_every_one_of_the_seven_services(case, caseworker):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    cooperation_record(actor=caseworker, case=case, status=CooperationStatus.DECLINES, with_agency=police)
    provided = _every_service(case, caseworker)
    assert sorted(provided.values_list("kind", flat=True)) == sorted(ServiceKind.values)


def test_a_child_who_is_only_a_presumed_victim_receives_every_one_of_the_seven_services(case, caseworker):
    assert case.identification_status == htcds.IdentificationStatus.PRESUMED
    provided = _every_service(case, caseworker)
    assert provided.count() == 7


def test_a_stateless_child_receives_every_one_of_the_seven_services(case, caseworker):
    stateless(case, caseworker)
    assert case.child.__class__.objects.get(pk=case.child_id).stateless
    provided = _every_service(case, caseworker)
    assert provided.count() == 7


def test_no_service_step_reads_the_cooperation_record(case, caseworker):
    cooperation_record(actor=caseworker, case=case, status=CooperationStatus.DECLINES, with_name="Polícia Judiciária")
    provider, staff = provider_with_staff()
    table = CooperationRecord._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        first = requested(case, caseworker, ServiceKind.LEGAL_ASSISTANCE, provider=provider)
        service_start(actor=staff, service=first)
        service_end(actor=staff, service=first, reason=EndReason.COMPLETED)
        second = requested(case, caseworker, ServiceKind.EDUCATION, provider=provider)
        service_decline(actor=staff, service=second, reason=DeclineReason.NO_CAPACITY)
    assert len(queries) > 0
    assert not [q["sql"] for q in queries if table in q["sql"]]


def test_changing_cooperation_changes_no_service(case, caseworker):
    service = requested(case, caseworker)
    before = SupportService.objects.filter(pk=service.pk).values().get()
    cooperation_record(actor=caseworker, case=case, status=CooperationStatus.DECLINES, with_name="Polícia")
    assert SupportService.objects.filter(pk=service.pk).values().get() == before


# --- SERVICES_UNCONDITIONAL: held by structure ---------------------------------------------------
def test_a_service_has_no_field_that_could_carry_a_condition():
    names = {f.name for f in SupportService._meta.get_fields()}
    assert not {n for n in names if "condition" in n or "cooperat" in n or "require" in n}
    assert "cooperation_records" not in names


def test_a_request_has_no_place_for_a_condition(case, caseworker):
    with pytest.raises(TypeError):
        requested(case, caseworker, conditions="only if she testifies")
    assert not SupportService.objects.exists()


@pytest.mark.parametrize("choices", [EndReason, DeclineReason])
def test_the_closed_lists_of_reasons_name_no_ground_of_r5(choices):
    for value, label in choices.choices:
        assert grounds_named(f"{value} {label}") == [], value


def test_needs_that_seem_to_make_the_service_conditional_leave_a_hint_not_a_refusal(case, caseworker):
    service = requested(
        case, caseworker, needs="Counselling only if she testifies and once she is formally identified."
    )
    assert service.status == ServiceStatus.REQUESTED
    assert service.hints == ["SERVICES_UNCONDITIONAL.COOPERATION", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"]


def test_a_paraphrased_condition_in_the_needs_binds_nothing(case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider,
                        needs="Counselling, as long as she keeps talking to the detectives.")  # fmt: skip
    cooperation_record(actor=caseworker, case=case, status=CooperationStatus.DECLINES, with_name="Polícia")
    assert service_start(actor=staff, service=service).status == ServiceStatus.PROVIDED


def test_needs_that_only_mention_migration_are_a_legitimate_request(case, caseworker):
    service = requested(case, caseworker, ServiceKind.LEGAL_ASSISTANCE,
                        needs="A lawyer for the asylum claim and the residence permit.")  # fmt: skip
    assert stored(service, "needs") == "A lawyer for the asylum claim and the residence permit."
    assert service.hints == []


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("child_not_cooperating", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("not_identified", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("non_national", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_a_decline_reason_naming_a_ground_is_refused_with_its_code(case, caseworker, reason, code):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    with pytest.raises(RuleViolation) as refused:
        service_decline(actor=staff, service=service, reason=reason)
    assert codes(refused) == [code]
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("stopped_cooperating", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("not_a_recognised_victim", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("no_residence_permit", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_an_end_reason_naming_a_ground_is_refused_with_its_code(case, caseworker, reason, code):
    service = requested(case, caseworker)
    with pytest.raises(RuleViolation) as refused:
        service_end(actor=caseworker, service=service, reason=reason)
    assert codes(refused) == [code]
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_a_provider_declines_for_its_own_reason_and_the_request_alert_is_done(case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    declined = service_decline(actor=staff, service=service, reason=DeclineReason.NO_CAPACITY, note="Waiting list")
    assert (declined.status, declined.declined_by, declined.decline_reason) == (
        ServiceStatus.DECLINED, staff, DeclineReason.NO_CAPACITY,
    )  # fmt: skip
    assert stored(declined, "decline_note") == "Waiting list"
    assert Alert.objects.get(kind=AlertKind.SERVICE_REQUESTED).done_at is not None


# --- "Other" waits for a supervisor ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Stopped: he would not give evidence to the prosecutor.", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("Ended since she is not a recognised victim.", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("Terminado: a criança é apátrida.", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_an_other_end_by_a_caseworker_waits_for_a_supervisor_and_the_service_goes_on(case, caseworker, note, code):
    service = service_start(actor=caseworker, service=requested(case, caseworker))
    after = service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note=note)
    assert after.status == ServiceStatus.PROVIDED
    pending = OtherReasonApproval.objects.get()
    assert (pending.status, pending.requested_by, pending.step) == (ApprovalStatus.PENDING, caseworker, OtherStep.END)
    assert stored(pending, "text") == note
    assert pending.hints == [code]


def test_a_paraphrased_cooperation_reason_under_other_ends_nothing_without_a_supervisor(case, caseworker):
    service = service_start(actor=caseworker, service=requested(case, caseworker))
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER,
                note="She stopped talking to the detectives, so the sessions stop.")  # fmt: skip
    assert SupportService.objects.get().status == ServiceStatus.PROVIDED


def test_a_supervisor_refuses_an_other_end_saying_why_and_the_service_goes_on(staffed):
    case, caseworker, boss = staffed
    service = service_start(actor=caseworker, service=requested(case, caseworker))
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Stopped talking to the detectives.")
    pending = OtherReasonApproval.objects.get()
    with pytest.raises(ValidationError):
        other_reason_refuse(actor=boss, approval=pending, why="  ")
    refused = other_reason_refuse(actor=boss, approval=pending, why="Support never depends on the investigation.")
    assert (refused.status, refused.decided_by) == (ApprovalStatus.REFUSED, boss)
    assert SupportService.objects.get().status == ServiceStatus.PROVIDED
    with pytest.raises(ValidationError):
        other_reason_approve(actor=boss, approval=pending)


def test_a_supervisor_approves_an_other_end_which_takes_effect_as_asked_and_keeps_who(staffed):
    case, caseworker, boss = staffed
    service = service_start(actor=caseworker, service=requested(case, caseworker), at=NOW - timedelta(days=4))
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="The family moved the session to a "
                "weekend clinic outside any provider's list.", ended_at=NOW - timedelta(days=2))  # fmt: skip
    ended = other_reason_approve(actor=boss, approval=OtherReasonApproval.objects.get())
    assert (ended.status, ended.end_reason, ended.ended_by, ended.ended_at) == (
        ServiceStatus.ENDED, EndReason.OTHER, caseworker, NOW - timedelta(days=2),
    )  # fmt: skip
    approval = ended.other_approval
    assert (approval.status, approval.requested_by, approval.decided_by) == (ApprovalStatus.APPROVED, caseworker, boss)
    assert stored(ended, "end_note").startswith("The family moved")


def test_a_caseworker_cannot_approve_an_other_reason(case, caseworker):
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="A reason of its own.")
    with pytest.raises(PermissionDenied):
        other_reason_approve(actor=caseworker, approval=OtherReasonApproval.objects.get())
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_the_providers_staff_cannot_approve_their_own_other_decline(case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    declined = service_decline(actor=staff, service=service, reason=DeclineReason.OTHER, note="Building closed.")
    assert declined.status == ServiceStatus.REQUESTED
    with pytest.raises(Http404):
        other_reason_approve(actor=staff, approval=OtherReasonApproval.objects.get())


def test_an_other_decline_takes_effect_once_the_case_supervisor_approves(staffed):
    case, caseworker, boss = staffed
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    service_decline(actor=staff, service=service, reason=DeclineReason.OTHER, note="Building closed for repairs.")
    declined = other_reason_approve(actor=boss, approval=OtherReasonApproval.objects.get())
    assert (declined.status, declined.declined_by, declined.decline_reason) == (
        ServiceStatus.DECLINED, staff, DeclineReason.OTHER,
    )  # fmt: skip
    assert Alert.objects.get(kind=AlertKind.SERVICE_REQUESTED).done_at is not None


def test_a_supervisors_own_other_end_takes_effect_at_once_and_is_recorded_as_theirs(staffed):
    case, caseworker, boss = staffed
    ended = service_end(actor=boss, service=requested(case, caseworker), reason=EndReason.OTHER,
                        note="Replaced by a group programme outside the lists.")  # fmt: skip
    assert ended.status == ServiceStatus.ENDED
    assert (ended.other_approval.requested_by, ended.other_approval.decided_by) == (boss, boss)


def test_one_other_reason_waits_at_a_time(case, caseworker):
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="First.")
    with pytest.raises(ValidationError):
        service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Second.")


def test_a_pending_other_end_is_moot_once_the_service_ended_for_a_listed_reason(staffed):
    case, caseworker, boss = staffed
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Something.")
    service_end(actor=caseworker, service=service, reason=EndReason.NO_LONGER_NEEDED)
    with pytest.raises(ValidationError):
        other_reason_approve(actor=boss, approval=OtherReasonApproval.objects.get())


# --- PRESUMED_MINOR: "handed over to services for adults" ---------------------------------------------
def test_handing_a_presumed_minor_over_to_adult_services_is_refused(case, caseworker):
    service = requested(case, caseworker)
    with pytest.raises(RuleViolation) as refused:
        service_end(actor=caseworker, service=service, reason=EndReason.ADULT_SERVICES)
    assert codes(refused) == ["PRESUMED_MINOR"]
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_handing_over_to_adult_services_is_allowed_once_an_undisputed_passport_shows_adulthood(case, caseworker):
    identity_document_record(actor=caseworker, case=case, kind=DocumentKind.PASSPORT, issuing_country="PT",
                             birth_date=date(1990, 1, 1), at=NOW - timedelta(days=10))  # fmt: skip
    ended = service_end(actor=caseworker, service=requested(case, caseworker), reason=EndReason.ADULT_SERVICES)
    assert (ended.status, ended.end_reason) == (ServiceStatus.ENDED, EndReason.ADULT_SERVICES)


def test_a_handover_to_adult_services_backdated_to_before_adulthood_was_shown_is_refused(case, caseworker):
    identity_document_record(actor=caseworker, case=case, kind=DocumentKind.PASSPORT, issuing_country="PT",
                             birth_date=date(1990, 1, 1), at=NOW - timedelta(days=10))  # fmt: skip
    service = requested(case, caseworker, at=NOW - timedelta(days=20))
    with pytest.raises(RuleViolation) as refused:
        service_end(actor=caseworker, service=service, reason=EndReason.ADULT_SERVICES,
                    ended_at=NOW - timedelta(days=15))  # fmt: skip
    assert codes(refused) == ["PRESUMED_MINOR"]


def test_a_passport_the_childs_own_claim_contradicts_does_not_allow_the_handover(case, caseworker):
    identity_document_record(actor=caseworker, case=case, kind=DocumentKind.PASSPORT, issuing_country="PT",
                             birth_date=date(1990, 1, 1), at=NOW - timedelta(days=10))  # fmt: skip
    age_claim_record(actor=caseworker, case=case, birth_date=date(2011, 1, 1), at=NOW - timedelta(days=9))
    with pytest.raises(RuleViolation) as refused:
        service_end(actor=caseworker, service=requested(case, caseworker), reason=EndReason.ADULT_SERVICES)
    assert codes(refused) == ["PRESUMED_MINOR", "PRESUMED_MINOR.DOCUMENT_DISPUTED_BY_CLAIM"]


def test_a_service_ends_for_a_listed_reason(case, caseworker):
    service = service_start(actor=caseworker, service=requested(case, caseworker))
    ended = service_end(actor=caseworker, service=service, reason=EndReason.COMPLETED)
    assert (ended.status, ended.ended_by, ended.end_reason) == (ServiceStatus.ENDED, caseworker, EndReason.COMPLETED)


def test_other_needs_its_reason(case, caseworker):
    service = requested(case, caseworker)
    with pytest.raises(ValidationError):
        service_end(actor=caseworker, service=service, reason=EndReason.OTHER)


def test_an_unknown_reason_that_names_no_ground_is_simply_unknown(case, caseworker):
    with pytest.raises(ValidationError):
        service_end(actor=caseworker, service=requested(case, caseworker), reason="bored")


def test_the_database_refuses_a_reason_outside_the_list(case, caseworker):
    service = requested(case, caseworker)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportService.objects.filter(pk=service.pk).update(
            status=ServiceStatus.ENDED, ended_at=NOW, ended_by=caseworker, end_reason="not_cooperating"
        )


def _raw(sql, params):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_end_a_service_for_other_without_an_approval(case, caseworker):
    service = requested(case, caseworker)
    _raw("UPDATE support_supportservice SET status = 'ended', ended_at = %s, ended_by_id = %s, end_reason = 'other' "
         "WHERE id = %s", [NOW, caseworker.pk, service.pk])  # fmt: skip
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_raw_sql_cannot_end_a_service_for_other_on_a_pending_approval(case, caseworker):
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Something.")
    pending = OtherReasonApproval.objects.get()
    _raw("UPDATE support_supportservice SET status = 'ended', ended_at = %s, ended_by_id = %s, end_reason = 'other', "
         "other_approval_id = %s WHERE id = %s", [NOW, caseworker.pk, pending.pk, service.pk])  # fmt: skip
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_raw_sql_cannot_rewrite_or_delete_a_decided_approval(staffed):
    case, caseworker, boss = staffed
    service = requested(case, caseworker)
    service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note="Something.")
    approval = OtherReasonApproval.objects.get()
    other_reason_refuse(actor=boss, approval=approval, why="Not a reason to stop support.")
    _raw(
        "UPDATE support_otherreasonapproval SET status = 'approved', decision_note = NULL WHERE id = %s", [approval.pk]
    )
    _raw("DELETE FROM support_otherreasonapproval WHERE id = %s", [approval.pk])
    assert OtherReasonApproval.objects.get().status == ApprovalStatus.REFUSED


# --- Requests, providers, alerts, who ------------------------------------------------------------
def test_a_request_to_an_agency_alerts_its_staff_with_the_reference_only(case, caseworker):
    provider, _staff = provider_with_staff(AgencyKind.LEGAL_AID)
    requested(case, caseworker, ServiceKind.LEGAL_ASSISTANCE, provider=provider, needs="Trafficked by her uncle")
    alert = Alert.objects.get(kind=AlertKind.SERVICE_REQUESTED)
    assert (alert.agency, alert.role, alert.case) == (provider, Role.PARTNER_STAFF, case)
    assert case.reference in alert.detail
    assert "uncle" not in alert.detail


def test_a_request_to_an_outside_provider_raises_no_alert(case, caseworker):
    service = requested(case, caseworker, provider_name="Escola Básica da Ribeira")
    assert service.provider_label == "Escola Básica da Ribeira"
    assert not Alert.objects.exists()


def test_a_request_names_exactly_one_provider(case, caseworker):
    provider, _staff = provider_with_staff()
    with pytest.raises(ValidationError):
        service_request(actor=caseworker, case=case, kind=ServiceKind.HEALTH_CARE, provider=provider,
                        provider_name="Also this one")  # fmt: skip
    with pytest.raises(ValidationError):
        service_request(actor=caseworker, case=case, kind=ServiceKind.HEALTH_CARE)


def test_the_providers_staff_see_the_service_but_not_the_case(case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    assert list(service_list(actor=staff)) == [service]
    other_staff = provider_with_staff()[1]
    assert not service_list(actor=other_staff).exists()
    with pytest.raises(Http404):
        service_start(actor=other_staff, service=service)


def test_only_the_case_staff_request_a_service(case):
    outsider = provider_with_staff()[1]
    with pytest.raises(Http404):
        requested(case, outsider)


def test_a_guardian_does_not_request_a_service(case):
    from tests.care.factories import guardian_for

    guardian = guardian_for(case)
    with pytest.raises(PermissionDenied):
        requested(case, guardian)


def test_a_service_cannot_start_twice_or_after_a_decline(case, caseworker):
    service = service_start(actor=caseworker, service=requested(case, caseworker))
    with pytest.raises(ValidationError):
        service_start(actor=caseworker, service=service)
    other = service_decline(actor=caseworker, service=requested(case, caseworker), reason=DeclineReason.OUTSIDE_AREA)
    with pytest.raises(ValidationError):
        service_start(actor=caseworker, service=other)


def test_a_service_does_not_start_before_it_was_requested(case, caseworker):
    service = requested(case, caseworker, at=NOW - timedelta(days=1))
    with pytest.raises(ValidationError):
        service_start(actor=caseworker, service=service, started_at=NOW - timedelta(days=3))


# --- Cooperation --------------------------------------------------------------------------------
def test_cooperation_is_its_own_history_with_whom_and_when(case, caseworker):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    cooperation_record(actor=caseworker, case=case, status=CooperationStatus.NOT_ASKED_YET,
                       at=NOW - timedelta(days=10))  # fmt: skip
    latest = cooperation_record(actor=caseworker, case=case, status=CooperationStatus.UNABLE, with_agency=police,
                                note="Too distressed to talk about it now", at=NOW)  # fmt: skip
    assert list(CooperationRecord.objects.filter(case=case)) == [latest, CooperationRecord.objects.last()]
    assert stored(latest, "note") == "Too distressed to talk about it now"


def test_cooperation_is_with_the_police_or_prosecution(case, caseworker):
    health = AgencyFactory(kind=AgencyKind.HEALTH)
    with pytest.raises(ValidationError):
        cooperation_record(actor=caseworker, case=case, status=CooperationStatus.COOPERATING, with_agency=health)
    with pytest.raises(ValidationError):
        cooperation_record(actor=caseworker, case=case, status=CooperationStatus.COOPERATING)
