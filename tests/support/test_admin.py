"""The support admin: scoped like every channel, writes only through the services, shows R5's refusals."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind
from apps.age.models import DocumentKind
from apps.age.services import identity_document_record
from apps.alerts.models import Alert, AlertKind
from apps.audit.models import RecordAccess
from apps.cases.models import Case
from apps.core.rules import CATALOGUE
from apps.support.models import (
    ApprovalStatus,
    CooperationRecord,
    CooperationStatus,
    DeclineReason,
    EndReason,
    OtherReasonApproval,
    ServiceKind,
    ServiceStatus,
    SupportService,
)
from tests.accounts.factories import AgencyFactory, UserFactory
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.support.factories import case_with_staff, provider_with_staff, requested, to_aftercare

pytestmark = pytest.mark.django_db


def _add(model):
    return reverse(f"admin:support_{model}_add")


def _changelist(model):
    return reverse(f"admin:support_{model}_changelist")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(response):
    return unescape(response.content.decode())


def _shown(code):
    return f"{CATALOGUE[code].message} ({code})"


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    return case, _staff(caseworker), _staff(boss)


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def cw_client(client, caseworker):
    client.force_login(caseworker)
    return client


def _act(client, action, service, **values):
    return client.post(_changelist("supportservice"), {"action": action, "_selected_action": [service.pk],
                                                       "confirm": "yes", **values})  # fmt: skip


# --- Who -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["supportservice", "cooperationrecord", "otherreasonapproval"])
def test_a_superuser_without_a_role_cannot_open_the_support_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_changelist(model)).status_code == 403


def test_a_caseworker_sees_only_the_services_of_cases_they_see(cw_client, case, caseworker):
    mine = requested(case, caseworker)
    other_case, other_worker, _boss = case_with_staff()
    requested(other_case, other_worker)
    assert list(cw_client.get(_changelist("supportservice")).context["cl"].queryset) == [mine]


def test_the_providers_staff_see_the_request_but_not_what_the_child_needs(client, case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider, needs="Sleeps badly since the raid")
    client.force_login(_staff(staff))
    assert list(client.get(_changelist("supportservice")).context["cl"].queryset) == [service]
    page = _page(client.get(reverse("admin:support_supportservice_change", args=[service.pk])))
    assert case.reference in page
    assert "Sleeps badly" not in page
    # Seeing the request (the case reference) is a read of the child's record, logged like any other.
    assert set(RecordAccess.objects.filter(actor_id=staff.pk).values_list("case_id", "allowed")) == {(case.pk, True)}


def test_the_case_staff_open_the_needs_and_the_read_is_logged(cw_client, case, caseworker):
    service = requested(case, caseworker, needs="Sleeps badly since the raid")
    page = _page(cw_client.get(reverse("admin:support_supportservice_change", args=[service.pk])))
    assert "Sleeps badly since the raid" in page
    assert RecordAccess.objects.filter(actor_id=caseworker.pk, case=case, channel="admin", allowed=True).exists()


def test_a_service_outside_the_scope_is_a_404(cw_client):
    other_case, other_worker, _boss = case_with_staff()
    theirs = requested(other_case, other_worker)
    assert cw_client.get(reverse("admin:support_supportservice_change", args=[theirs.pk])).status_code == 404


def test_the_list_page_keeps_to_its_query_budget_whatever_the_number_of_services(cw_client, case, caseworker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    provider, _staff_member = provider_with_staff()
    requested(case, caseworker, provider=provider)
    cw_client.get(_changelist("supportservice"))  # the session and caches settle on the first visit
    with CaptureQueriesContext(connection) as one:
        cw_client.get(_changelist("supportservice"))
    for kind in ServiceKind.values:
        requested(case, caseworker, kind, provider=provider)
    with CaptureQueriesContext(connection) as eight:
        assert cw_client.get(_changelist("supportservice")).status_code == 200
    assert len(eight) == len(one) <= 25


# --- Requests and SERVICES_UNCONDITIONAL ----------------------------------------------------------
def test_a_request_is_added_through_the_service_and_alerts_the_provider(cw_client, case, caseworker):
    provider, _staff_member = provider_with_staff(AgencyKind.LEGAL_AID)
    response = cw_client.post(_add("supportservice"), {"case": case.pk, "kind": ServiceKind.LEGAL_ASSISTANCE,
                                                       "provider": provider.pk,
                                                       "needs_text": "A lawyer for the residence permit"})  # fmt: skip
    assert response.status_code == 302
    service = SupportService.objects.get()
    assert (service.requested_by, stored(service, "needs")) == (caseworker, "A lawyer for the residence permit")
    assert Alert.objects.get(kind=AlertKind.SERVICE_REQUESTED).agency == provider


def test_a_request_whose_needs_read_as_a_condition_goes_through_with_a_warning(cw_client, case):
    response = cw_client.post(_add("supportservice"), {
        "case": case.pk, "kind": ServiceKind.COUNSELLING, "provider_name": "Centro do Mar",
        "needs_text": "Counselling, only if she cooperates with the police."}, follow=True)  # fmt: skip
    assert SupportService.objects.get().hints == ["SERVICES_UNCONDITIONAL.COOPERATION"]
    assert any("(SERVICES_UNCONDITIONAL.COOPERATION)" in m for m in _messages(response))


def test_the_form_for_a_request_offers_no_place_for_a_condition(cw_client):
    page = _page(cw_client.get(_add("supportservice")))
    assert 'name="conditions"' not in page
    assert 'name="needs_text"' in page


def test_a_decline_reason_posted_by_hand_naming_cooperation_is_refused(client, case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    client.force_login(_staff(staff))
    refused = _act(client, "decline_service", service, reason="child_not_cooperating")
    assert any(_shown("SERVICES_UNCONDITIONAL.COOPERATION") in m for m in _messages(refused))
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_an_end_reason_posted_by_hand_naming_identification_is_refused_and_a_listed_one_goes_through(
    client, case, caseworker
):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    client.force_login(_staff(staff))
    _act(client, "start_service", service)
    refused = _act(client, "end_service", service, reason="not_identified")
    assert any(_shown("SERVICES_UNCONDITIONAL.IDENTIFICATION_STATUS") in m for m in _messages(refused))
    assert SupportService.objects.get().status == ServiceStatus.PROVIDED
    _act(client, "end_service", service, reason=EndReason.COMPLETED)
    ended = SupportService.objects.get()
    assert (ended.status, ended.ended_by) == (ServiceStatus.ENDED, staff)


def test_an_other_decline_by_the_provider_waits_for_the_case_supervisor_with_its_warning(client, case, caseworker):
    provider, staff = provider_with_staff()
    service = requested(case, caseworker, provider=provider)
    client.force_login(_staff(staff))
    response = _act(client, "decline_service", service, reason=DeclineReason.OTHER, note="Es extranjero, sin papeles")
    messages = _messages(response)
    assert any("awaits a supervisor" in m for m in messages)
    assert any("(SERVICES_UNCONDITIONAL.NATIONALITY)" in m for m in messages)
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED
    _act(client, "decline_service", service, reason=DeclineReason.NO_CAPACITY)
    assert SupportService.objects.get().status == ServiceStatus.DECLINED


def _decide(client, action, approval, **values):
    return client.post(_changelist("otherreasonapproval"), {"action": action, "_selected_action": [approval.pk],
                                                            "confirm": "yes", **values})  # fmt: skip


def test_the_case_supervisor_refuses_an_other_end_in_the_admin_and_the_service_goes_on(client, staffed):
    case, caseworker, boss = staffed
    service = requested(case, caseworker)
    client.force_login(caseworker)
    _act(client, "end_service", service, reason=EndReason.OTHER, note="As long as she keeps talking to the detectives.")
    approval = OtherReasonApproval.objects.get()
    assert (approval.status, approval.requested_by) == (ApprovalStatus.PENDING, caseworker)
    page = _page(client.get(reverse("admin:support_otherreasonapproval_change", args=[approval.pk])))
    assert "As long as she keeps talking to the detectives." in page
    client.force_login(boss)
    _decide(client, "refuse", approval, why="Support never depends on the investigation.")
    assert OtherReasonApproval.objects.get().status == ApprovalStatus.REFUSED
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_a_caseworker_cannot_approve_an_other_end_in_the_admin_but_the_supervisor_can(client, staffed):
    case, caseworker, boss = staffed
    service = requested(case, caseworker)
    client.force_login(caseworker)
    _act(client, "end_service", service, reason=EndReason.OTHER, note="Moved to a programme outside the lists.")
    approval = OtherReasonApproval.objects.get()
    refused = _decide(client, "approve", approval)
    assert any("supervisor" in m for m in _messages(refused))
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED
    client.force_login(boss)
    _decide(client, "approve", approval)
    ended = SupportService.objects.get()
    assert (ended.status, ended.end_reason, ended.other_approval.decided_by) == (
        ServiceStatus.ENDED, EndReason.OTHER, boss,
    )  # fmt: skip


def test_handing_a_presumed_minor_over_to_adult_services_is_refused_in_the_admin(client, case, caseworker):
    service = requested(case, caseworker)
    client.force_login(caseworker)
    refused = _act(client, "end_service", service, reason=EndReason.ADULT_SERVICES)
    assert any("(PRESUMED_MINOR)" in m for m in _messages(refused))
    assert SupportService.objects.get().status == ServiceStatus.REQUESTED


def test_handing_an_adult_over_to_adult_services_goes_through_in_the_admin(client, case, caseworker):
    identity_document_record(actor=caseworker, case=case, kind=DocumentKind.PASSPORT, issuing_country="PT",
                             birth_date=date(1990, 1, 1), at=timezone.now() - timedelta(days=30))  # fmt: skip
    service = requested(case, caseworker)
    client.force_login(caseworker)
    _act(client, "end_service", service, reason=EndReason.ADULT_SERVICES)
    assert SupportService.objects.get().end_reason == EndReason.ADULT_SERVICES


def test_nothing_is_deleted_or_changed_in_place(cw_client, case, caseworker):
    service = requested(case, caseworker)
    assert cw_client.post(reverse("admin:support_supportservice_delete", args=[service.pk]),
                          {"post": "yes"}).status_code == 403  # fmt: skip
    cw_client.post(reverse("admin:support_supportservice_change", args=[service.pk]), {"kind": "education"})
    assert SupportService.objects.get().kind == ServiceKind.COUNSELLING


# --- Cooperation ---------------------------------------------------------------------------------
def test_cooperation_is_recorded_through_the_service(cw_client, case, caseworker):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    response = cw_client.post(_add("cooperationrecord"), {"case": case.pk, "status": CooperationStatus.DECLINES,
                                                          "with_agency": police.pk,
                                                          "note_text": "Afraid for her family"})  # fmt: skip
    assert response.status_code == 302
    record = CooperationRecord.objects.get()
    assert (record.status, record.with_agency, stored(record, "note")) == (
        CooperationStatus.DECLINES, police, "Afraid for her family",
    )  # fmt: skip


# --- Closure through the cases admin ---------------------------------------------------------------
def _close(client, case, waiver=""):
    return client.post(reverse("admin:cases_case_changelist"), {
        "action": "transition_close", "_selected_action": [case.pk], f"version_{case.pk}": case.version,
        "confirm": "yes", "reason": "Aftercare done", "waiver_reason": waiver})  # fmt: skip


def test_closing_with_a_service_still_provided_shows_services_active(client, staffed):
    case, caseworker, boss = staffed
    case = to_aftercare(case, boss)
    requested(case, caseworker)
    client.force_login(boss)
    messages = _messages(_close(client, case))
    assert any("(CLOSURE_CRITERIA_UNMET.SERVICES_ACTIVE)" in m and "1 support service(s)" in m for m in messages)
    assert Case.objects.get(pk=case.pk).state == "aftercare"


def test_a_supervisors_waiver_in_the_admin_lifts_services_active(client, staffed):
    case, caseworker, boss = staffed
    case = to_aftercare(case, boss)
    requested(case, caseworker)
    client.force_login(boss)
    messages = _messages(_close(client, case, waiver="The provider goes on with the young adult directly."))
    assert messages
    assert not any("SERVICES_ACTIVE" in m for m in messages)
