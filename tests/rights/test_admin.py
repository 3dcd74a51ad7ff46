"""The rights admin: scoped like every channel, writes only through the services, shows refusals."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from apps.alerts.models import Alert, AlertKind
from apps.audit.models import RecordAccess
from apps.cases.models import Case
from apps.core.rules import CATALOGUE
from apps.rights.models import (
    IdentificationChange,
    ProceedingInterview,
    ProtectionClaim,
    ReflectionPeriodChange,
    ResidencePermit,
)
from apps.rights.services import interview_reviews_alert, protection_claim_lodge, residence_permit_record
from tests.accounts.factories import UserFactory
from tests.conftest import make_staff
from tests.rights.factories import case_with_staff, guardian_for, proceeding_for

pytestmark = pytest.mark.django_db
MODELS = ["identificationchange", "reflectionperiodchange", "residencepermit", "protectionclaim",
          "nonrefoulementfinding", "criminalproceeding", "proceedinginterview", "specialmeasurerequest",
          "proceedingrepresentative", "compensationclaim"]  # fmt: skip


def _add(model):
    return reverse(f"admin:rights_{model}_add")


def _changelist(model):
    return reverse(f"admin:rights_{model}_changelist")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _page(response):
    return unescape(response.content.decode())


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    return case, make_staff(caseworker), make_staff(boss)


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


@pytest.fixture
def proceeding(case, caseworker):
    return proceeding_for(case, caseworker)


def _held_in(**delta):
    held = timezone.localtime() + timedelta(**delta)
    return {"held_at_0": held.strftime("%Y-%m-%d"), "held_at_1": held.strftime("%H:%M:%S")}


def _interview_post(case_proceeding, **extra):
    held = timezone.localtime() - timedelta(hours=1)
    return {"proceeding": case_proceeding.pk, "held_at_0": held.strftime("%Y-%m-%d"),
            "held_at_1": held.strftime("%H:%M:%S"), "interviewer_kind": "police", "interviewer": "Insp. Moreau",
            "place_text": "Child-friendly room", "special_measures": ["video_recorded", "child_friendly_room"]} | extra  # fmt: skip


def test_arranging_a_police_interview_without_a_guardian_is_refused_on_the_form(cw_client, proceeding):
    response = cw_client.post(_add("proceedinginterview"), _interview_post(proceeding, **_held_in(days=2)))
    assert response.status_code == 200
    message = str(CATALOGUE["GUARDIAN_REQUIRED"].message) % {
        "action": "arranging an interview by police or immigration"
    }
    assert f"{message} (GUARDIAN_REQUIRED)" in _page(response)
    assert not ProceedingInterview.objects.exists()


def test_a_police_interview_already_held_without_a_guardian_is_recorded_and_flagged_on_the_form(
    cw_client, case, proceeding
):
    response = cw_client.post(_add("proceedinginterview"), _interview_post(proceeding))
    assert response.status_code == 302
    interview = ProceedingInterview.objects.get()
    assert interview.without_guardian
    assert any("flagged" in m and "without a representative or guardian" in m for m in _messages(response))
    assert Alert.objects.get(kind=AlertKind.INTERVIEW_WITHOUT_GUARDIAN, role="supervisor").case == case


def test_a_police_interview_with_a_guardian_is_recorded_and_counted(cw_client, case, proceeding):
    guardian_for(case, starts_at=timezone.now() - timedelta(days=5))
    response = cw_client.post(_add("proceedinginterview"), _interview_post(proceeding, **_held_in(days=2)))
    assert response.status_code == 302
    interview = ProceedingInterview.objects.get()
    assert interview.special_measures == ["video_recorded", "child_friendly_room"]
    assert not interview.without_guardian
    assert "The child has been interviewed 1 times in all." in _messages(response)


def test_an_urgent_interview_is_recorded_without_a_guardian_and_alerted_for_review(cw_client, case, proceeding):
    post = _interview_post(proceeding, urgent="on", urgent_reason_text="The accused leaves the country tonight.",
                           **_held_in(hours=3))  # fmt: skip
    assert cw_client.post(_add("proceedinginterview"), post).status_code == 302
    interview = ProceedingInterview.objects.get()
    assert interview.urgent
    assert interview.review_due_at is not None
    assert Alert.objects.get(case=case, role="supervisor").key == f"interview:{interview.pk}"


def test_a_supervisor_and_the_guardian_review_a_flagged_interview_in_the_admin(client, staffed, proceeding):
    case, caseworker, boss = staffed
    client.force_login(caseworker)
    client.post(_add("proceedinginterview"), _interview_post(proceeding))
    interview = ProceedingInterview.objects.get()
    guardian = make_staff(guardian_for(case, starts_at=timezone.now() - timedelta(minutes=5)))
    interview_reviews_alert()
    client.force_login(boss)
    post = {"action": "record_review", "_selected_action": [interview.pk]}
    assert client.post(_changelist("proceedinginterview"), post).status_code == 200  # asks for the review
    client.post(_changelist("proceedinginterview"), post | {"confirm": "1", "review": "Raised with the police."})
    client.force_login(guardian)
    response = client.post(_changelist("proceedinginterview"),
                           post | {"confirm": "1", "review": "I asked for the video."})  # fmt: skip
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.supervisor_reviewed_by, interview.guardian_reviewed_by) == (boss, guardian)
    assert not Alert.objects.filter(done_at__isnull=True).exists()


def test_the_caseworker_cannot_review_the_interview_she_recorded(cw_client, proceeding):
    cw_client.post(_add("proceedinginterview"), _interview_post(proceeding))
    interview = ProceedingInterview.objects.get()
    post = {"action": "record_review", "_selected_action": [interview.pk], "confirm": "1", "review": "Fine."}
    response = cw_client.post(_changelist("proceedinginterview"), post)
    assert response.status_code == 302
    assert any("reviews an interview" in m for m in _messages(response))
    interview.refresh_from_db()
    assert interview.supervisor_reviewed_at is None


def test_a_third_interview_shows_the_repeated_interview_warning(cw_client, case, proceeding):
    guardian_for(case, starts_at=timezone.now() - timedelta(days=5))
    for _ in range(2):
        cw_client.post(_add("proceedinginterview"), _interview_post(proceeding))
    response = cw_client.post(_add("proceedinginterview"), _interview_post(proceeding))
    assert any("interviewed 3 times" in m and "Repeated interviews harm" in m for m in _messages(response))


def test_a_formal_identification_without_its_authority_is_refused_on_the_form(cw_client, case):
    post = {"case": case.pk, "to_status": "formally_identified", "decided_on": "2026-03-01"}
    response = cw_client.post(_add("identificationchange"), post)
    assert response.status_code == 200
    assert "Record the competent authority's reference." in _page(response)
    post |= {"authority_name": "National Referral Mechanism", "authority_reference": "NRM-2026-118"}
    assert cw_client.post(_add("identificationchange"), post).status_code == 302
    assert Case.objects.get(pk=case.pk).identification_status == "formally_identified"
    assert IdentificationChange.objects.get().authority_reference == "NRM-2026-118"


def test_the_reflection_period_is_granted_then_extended_from_the_same_form(cw_client, case):
    add = _add("reflectionperiodchange")
    post = {"case": case.pk, "starts_on": "2026-05-01", "ends_on": "2026-07-30"}
    assert cw_client.post(add, post).status_code == 302
    response = cw_client.post(add, post | {"ends_on": "2026-09-30"})
    assert response.status_code == 200
    assert "Say why the period changes." in _page(response)
    assert (
        cw_client.post(add, post | {"ends_on": "2026-09-30", "reason_text": "Still in treatment."}).status_code == 302
    )
    assert list(ReflectionPeriodChange.objects.order_by("pk").values_list("kind", flat=True)) == ["granted", "extended"]
    assert Case.objects.get(pk=case.pk).reflection_period_end == date(2026, 9, 30)


def test_a_permit_number_is_sealed_and_its_page_logs_the_read(cw_client, case, caseworker):
    post = {"case": case.pk, "kind": "victim", "number_text": "RP-0099123", "issued_on": "2026-01-10",
            "expires_on": "2027-01-10"}  # fmt: skip
    assert cw_client.post(_add("residencepermit"), post).status_code == 302
    permit = ResidencePermit.objects.get()
    assert b"RP-0099123" not in bytes(permit.number)
    response = cw_client.get(reverse("admin:rights_residencepermit_change", args=[permit.pk]))
    assert "RP-0099123" in _page(response)
    assert RecordAccess.objects.filter(actor=caseworker, case=case, allowed=True).exists()


def test_a_claim_decision_is_an_action_and_an_impossible_one_is_refused(cw_client, case, caseworker):
    claim = protection_claim_lodge(actor=caseworker, case=case, kind="asylum", lodged_on=date(2026, 2, 1),
                                   authority="National Asylum Office")  # fmt: skip
    post = {"action": "change_status", "_selected_action": [claim.pk], "confirm": "yes", "on": "2026-03-01"}
    response = cw_client.post(_changelist("protectionclaim"), post | {"status": "appeal_pending", "note": "Appeal."})
    assert response.status_code == 200  # asked again, the refusal on the form
    assert "cannot become" in _page(response)
    response = cw_client.post(
        _changelist("protectionclaim"), post | {"status": "refugee_status_granted", "note": "Decision NAO-77/1."}
    )
    assert response.status_code == 302
    assert ProtectionClaim.objects.get().status == "refugee_status_granted"


def test_a_guardian_reads_their_wards_records_but_cannot_add(client, case, caseworker):
    guardian = make_staff(guardian_for(case))
    residence_permit_record(actor=caseworker, case=case, kind="victim", issued_on=date(2026, 1, 1))
    client.force_login(guardian)
    response = client.get(_changelist("residencepermit"))
    assert response.status_code == 200
    assert case.reference in _page(response)
    assert client.get(_add("residencepermit")).status_code == 403


def test_a_record_outside_the_scope_is_a_404(client, case, caseworker):
    permit = residence_permit_record(actor=caseworker, case=case, kind="victim", issued_on=date(2026, 1, 1))
    outsider = make_staff(case_with_staff()[1])
    client.force_login(outsider)
    assert client.get(reverse("admin:rights_residencepermit_change", args=[permit.pk])).status_code == 404
    assert case.reference not in _page(client.get(_changelist("residencepermit")))


@pytest.mark.parametrize("model", MODELS)
def test_a_superuser_without_a_case_role_cannot_open_the_rights_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_changelist(model)).status_code == 403


def _seed(case, caseworker, proceeding, tag):
    """One record of every kind, so that each list page has more rows to show."""
    from apps.rights import services

    other = proceeding_for(case, caseworker, reference=f"PROC-{tag}")
    services.residence_permit_record(actor=caseworker, case=case, kind="victim", issued_on=date(2026, 1, 1))
    services.identification_status_change(
        actor=caseworker, case=case, to_status="presumed" if case.identification_status != "presumed" else "identified",
        note="Corrected.",
    )  # fmt: skip
    case.refresh_from_db()
    services.protection_claim_lodge(actor=caseworker, case=case, kind="asylum", lodged_on=date(2026, 1, 1),
                                    authority="NAO")  # fmt: skip
    services.non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 1, 1),
                                            source_kind="court", source="Court", summary="Risk.")  # fmt: skip
    services.interview_record(actor=caseworker, proceeding=other, held_at=timezone.now(), interviewer_kind="judge")
    services.special_measure_request(actor=caseworker, proceeding=other, measure="video_recorded",
                                     requested_on=date(2026, 1, 1))  # fmt: skip
    services.representative_appoint(actor=caseworker, proceeding=other, kind="lawyer", name="Dr. Lobo",
                                    starts_on=date(2026, 1, 1))  # fmt: skip
    services.compensation_claim_record(actor=caseworker, case=case, against="state_fund", proceeding=other,
                                       respondent="Fund")  # fmt: skip


@pytest.mark.parametrize("model", MODELS)
def test_list_pages_do_not_query_per_row(cw_client, case, caseworker, proceeding, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _seed(case, caseworker, proceeding, "a")
    cw_client.get(_changelist(model))  # the first page of a session stores its time zone
    with CaptureQueriesContext(connection) as few:
        assert cw_client.get(_changelist(model)).status_code == 200
    for tag in "bcd":
        _seed(case, caseworker, proceeding, tag)
    with CaptureQueriesContext(connection) as many:
        assert cw_client.get(_changelist(model)).status_code == 200
    assert len(many) == len(few) <= 25
