"""R5 through the service layer: services are requested, provided, ended or declined — never on conditions."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.cases import htcds
from apps.core.rules import RuleViolation
from apps.support.models import (
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    ServiceKind,
    ServiceStatus,
    SupportService,
)
from apps.support.selectors import sealed_text, service_list
from apps.support.services import (
    cooperation_record,
    service_decline,
    service_end,
    service_request,
    service_start,
)
from tests.accounts.factories import AgencyFactory
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


# --- SERVICES_UNCONDITIONAL ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("cooperation with the police", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("formal identification as a victim", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("a residence permit", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_a_request_carrying_a_condition_on_a_ground_of_r5_is_refused(case, caseworker, condition, code):
    with pytest.raises(RuleViolation) as refused:
        requested(case, caseworker, conditions=condition)
    assert codes(refused) == [code]
    assert not SupportService.objects.exists()


def test_a_request_carrying_any_other_condition_is_refused_too(case, caseworker):
    with pytest.raises(ValidationError):
        requested(case, caseworker, conditions="attends every session")
    assert not SupportService.objects.exists()


def test_needs_that_make_the_service_conditional_are_refused_with_every_ground(case, caseworker):
    with pytest.raises(RuleViolation) as refused:
        requested(case, caseworker, needs="Counselling only if she testifies and once she is formally identified.")
    assert codes(refused) == ["SERVICES_UNCONDITIONAL.COOPERATION", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"]


def test_needs_that_only_mention_migration_are_a_legitimate_request(case, caseworker):
    service = requested(case, caseworker, ServiceKind.LEGAL_ASSISTANCE,
                        needs="A lawyer for the asylum claim and the residence permit.")  # fmt: skip
    assert sealed_text(service, "needs") == "A lawyer for the asylum claim and the residence permit."


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
    ("note", "code"),
    [
        ("Ela recusou depor contra o aliciador.", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("Solo es una presunta víctima.", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("L'enfant est sans titre de séjour.", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_a_decline_note_naming_a_ground_is_refused_in_any_demo_language(case, caseworker, note, code):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    with pytest.raises(RuleViolation) as refused:
        service_decline(actor=staff, service=service, reason=DeclineReason.OTHER, note=note)
    assert codes(refused) == [code]


def test_a_provider_declines_for_its_own_reason_and_the_request_alert_is_done(case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    declined = service_decline(actor=staff, service=service, reason=DeclineReason.NO_CAPACITY, note="Waiting list")
    assert (declined.status, declined.declined_by, declined.decline_reason) == (
        ServiceStatus.DECLINED, staff, DeclineReason.NO_CAPACITY,
    )  # fmt: skip
    assert sealed_text(declined, "decline_note") == "Waiting list"
    assert Alert.objects.get(kind=AlertKind.SERVICE_REQUESTED).done_at is not None


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Stopped: he would not give evidence to the prosecutor.", "SERVICES_UNCONDITIONAL.COOPERATION"),
        ("Ended since she is not a recognised victim.", "SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS"),
        ("Terminado: a criança é apátrida.", "SERVICES_UNCONDITIONAL.NATIONALITY"),
    ],
)
def test_an_end_naming_a_ground_is_refused(case, caseworker, note, code):
    service = requested(case, caseworker)
    with pytest.raises(RuleViolation) as refused:
        service_end(actor=caseworker, service=service, reason=EndReason.OTHER, note=note)
    assert codes(refused) == [code]
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


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
    with pytest.raises(IntegrityError):
        SupportService.objects.filter(pk=service.pk).update(
            status=ServiceStatus.ENDED, ended_at=NOW, ended_by=caseworker, end_reason="not_cooperating"
        )


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
    assert sealed_text(latest, "note") == "Too distressed to talk about it now"


def test_cooperation_is_with_the_police_or_prosecution(case, caseworker):
    health = AgencyFactory(kind=AgencyKind.HEALTH)
    with pytest.raises(ValidationError):
        cooperation_record(actor=caseworker, case=case, status=CooperationStatus.COOPERATING, with_agency=health)
    with pytest.raises(ValidationError):
        cooperation_record(actor=caseworker, case=case, status=CooperationStatus.COOPERATING)
