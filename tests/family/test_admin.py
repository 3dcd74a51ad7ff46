"""The family admin: scoped like every channel, writes only through the services, shows refusals."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import AgencyKind
from apps.audit.models import RecordAccess
from apps.core.rules import CATALOGUE
from apps.family.models import (
    SECURITY_FACTORS,
    FamilyAssessment,
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    Relative,
    RiskSecurityAssessment,
    TracingChannel,
    TracingConsent,
    TracingNotDone,
    TracingNotDoneReason,
    TracingRequest,
    TracingStatus,
)
from apps.family.services import tracing_not_done_record, tracing_request_open
from tests.accounts.factories import UserFactory
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.family.factories import (
    assessed,
    asylum_claim,
    case_with_staff,
    consent_of,
    guardian_for,
    partner_agency,
    relative_of,
    verified,
)
from tests.guardianship.factories import sealed_reason

pytestmark = pytest.mark.django_db

MODELS = [
    "relative",
    "familyassessment",
    "risksecurityassessment",
    "tracingrequest",
    "tracingnotdone",
    "tracingconsent",
]


def _add(model):
    return reverse(f"admin:family_{model}_add")


def _changelist(model):
    return reverse(f"admin:family_{model}_changelist")


def _page(response):
    return unescape(response.content.decode())


def _message(code):
    return f"{CATALOGUE[code].message} ({code})"


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff(
        child_facts={"unaccompanied": True, "nationalities": ["MA"], "country_of_origin": "MA"}
    )
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


# --- Who -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", MODELS)
def test_a_superuser_without_a_case_role_cannot_open_the_family_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_changelist(model)).status_code == 403
    assert client.get(_add(model)).status_code == 403


@pytest.mark.parametrize("model", MODELS)
def test_nothing_is_deleted_in_bulk(cw_client, model):
    response = cw_client.get(_changelist(model))
    assert response.status_code == 200
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)


def test_a_caseworker_sees_only_relatives_of_cases_they_see_and_others_are_404(cw_client, case, caseworker):
    mine = relative_of(case, caseworker)
    other_case, other_worker, _boss = case_with_staff()
    theirs = relative_of(other_case, other_worker)
    assert list(cw_client.get(_changelist("relative")).context["cl"].queryset) == [mine]
    assert cw_client.get(reverse("admin:family_relative_change", args=[theirs.pk])).status_code == 404


def _queries(client, url):
    client.get(url)  # the first page of a session costs more (the session's own rows)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["relative", "tracingrequest"])
def test_a_list_costs_the_same_queries_for_one_record_or_ten(cw_client, case, caseworker, model):
    def add(n):
        if model == "relative":
            relative_of(case, caseworker, relationship=Relationship.SIBLING, names=f"Sibling {n}")
        else:
            tracing_request_open(actor=caseworker, case=case, via=TracingChannel.RED_CROSS, country="MA",
                                 sought=f"Sibling {n}")  # fmt: skip

    add(0)
    one = _queries(cw_client, _changelist(model))
    for n in range(1, 10):
        add(n)
    assert _queries(cw_client, _changelist(model)) == one


# --- Relatives and RELEASE_REQUIRES_VERIFICATION -------------------------------------------------
def test_a_relative_is_added_through_the_service_with_names_sealed(cw_client, case, caseworker):
    response = cw_client.post(_add("relative"), {"case": case.pk, "relationship": Relationship.GRANDPARENT,
                                                 "names_text": "Fatima Alaoui", "country": "ma"})  # fmt: skip
    assert response.status_code == 302
    relative = Relative.objects.get()
    assert (relative.relationship, relative.country, relative.recorded_by) == ("grandparent", "MA", caseworker)
    assert stored(relative, "names") == "Fatima Alaoui"


def test_the_relatives_page_opens_the_names_logs_the_read_and_lists_what_a_release_lacks(cw_client, case, caseworker):
    mother = relative_of(case, caseworker)
    page = _page(cw_client.get(reverse("admin:family_relative_change", args=[mother.pk])))
    assert "Khadija Benali" in page
    for code in ("RELEASE_REQUIRES_VERIFICATION.IDENTITY", "RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP",
                 "RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT"):  # fmt: skip
        assert _message(code) in page
    assert RecordAccess.objects.filter(actor_id=caseworker.pk, case=case, channel="admin", allowed=True).exists()


def test_a_verified_and_assessed_relatives_page_shows_nothing_lacking(cw_client, case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker)
    page = _page(cw_client.get(reverse("admin:family_relative_change", args=[mother.pk])))
    assert "RELEASE_REQUIRES_VERIFICATION" not in page
    assert "Nothing: identity and relationship verified" in page


def test_identity_is_verified_through_an_action_that_asks_how(cw_client, case, caseworker):
    mother = relative_of(case, caseworker)
    form = cw_client.post(_changelist("relative"), {"action": "verify_identity", "_selected_action": [mother.pk]})
    assert "What was seen or checked" in _page(form)
    cw_client.post(_changelist("relative"), {"action": "verify_identity", "_selected_action": [mother.pk],
                                             "confirm": "yes", "method": IdentityMethod.CIVIL_REGISTRY,
                                             "note": "Registry extract 2026/55"})  # fmt: skip
    mother.refresh_from_db()
    assert (mother.identity_verified_by, mother.identity_method) == (caseworker, IdentityMethod.CIVIL_REGISTRY)


def test_a_second_verification_is_refused_as_a_message(cw_client, case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    response = cw_client.post(_changelist("relative"), {"action": "verify_relationship",
                                                        "_selected_action": [mother.pk], "confirm": "yes",
                                                        "method": "dna", "note": "Again"})  # fmt: skip
    assert any("already verified" in str(m) for m in get_messages(response.wsgi_request))


# --- Family assessments --------------------------------------------------------------------------
def _assessment_post(relative, **values):
    return {"relative": relative.pk, "situation_text": "Two rooms, three children",
            "income_and_housing_text": "Bakery wage", "school_and_health_text": "School nearby",
            "conclusion": FamilyConclusion.SUITABLE, **values}  # fmt: skip


def test_an_assessment_that_does_not_say_whether_it_covers_the_links_is_refused(cw_client, case, caseworker):
    mother = relative_of(case, caseworker)
    response = cw_client.post(_add("familyassessment"), _assessment_post(mother))
    assert response.status_code == 200
    assert "State whether the assessment covers links to the exploitation." in _page(response)
    assert not FamilyAssessment.objects.exists()


def test_an_assessment_covering_the_links_is_added_through_the_service(cw_client, case, caseworker):
    mother = relative_of(case, caseworker)
    response = cw_client.post(_add("familyassessment"), _assessment_post(
        mother, covers_exploitation_links="yes", exploitation_links_text="No contact with the recruiters"))  # fmt: skip
    assert response.status_code == 302
    assessment = FamilyAssessment.objects.get()
    assert (assessment.case, assessment.covers_exploitation_links, assessment.completed_by) == (case, True, caseworker)


# --- Security assessments ------------------------------------------------------------------------
def test_a_security_assessment_is_added_with_every_factor(cw_client, case):
    post = {"case": case.pk, "country": "MA", "safe": "on",
            **{f"{name}_text": f"{name} finding" for name, _label in SECURITY_FACTORS}}  # fmt: skip
    assert cw_client.post(_add("risksecurityassessment"), {**post, "education_text": ""}).status_code == 200
    assert not RiskSecurityAssessment.objects.exists()
    assert cw_client.post(_add("risksecurityassessment"), post).status_code == 302
    assessment = RiskSecurityAssessment.objects.get()
    assert assessment.safe
    assert stored(assessment, "education") == "education finding"


def test_serious_harm_and_safe_together_are_refused_on_the_form(cw_client, case):
    post = {"case": case.pk, "country": "MA", "safe": "on", "serious_harm_found": "on",
            **{f"{name}_text": "finding" for name, _label in SECURITY_FACTORS}}  # fmt: skip
    response = cw_client.post(_add("risksecurityassessment"), post)
    assert "never safe" in _page(response)


# --- Tracing and SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN ---------------------------------------------
def _tracing_post(case, counterpart, **values):
    return {"case": case.pk, "via": TracingChannel.COUNTERPART_AGENCY, "counterpart": counterpart.pk,
            "sought_text": "Her mother", "child_views_text": "Wants her found", **values}  # fmt: skip


def test_a_request_to_the_origin_counterpart_while_asylum_is_claimed_is_refused_with_the_code(
    cw_client, case, caseworker
):
    guardian_for(case)
    asylum_claim(case, caseworker)
    morocco = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco))
    assert response.status_code == 200
    assert _message("SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN") in _page(response)
    assert not TracingRequest.objects.exists()


def test_a_request_to_the_origin_counterpart_with_views_and_the_guardians_own_consent_is_sent(cw_client, case):
    guardian = guardian_for(case)
    consent = consent_of(case, guardian)
    morocco = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco, guardian_consent=consent.pk))
    assert response.status_code == 302
    request = TracingRequest.objects.get()
    assert (request.country, request.guardian_consent, request.guardian_consent_by, request.status) == (
        "MA", consent, guardian, TracingStatus.OPEN,
    )  # fmt: skip


def test_a_ticked_consent_box_alone_is_refused_with_the_code(cw_client, case):
    guardian_for(case)
    morocco = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    # What the old form posted: a tick, with no record behind it.
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco, guardian_consent="on"))
    assert response.status_code == 200
    assert not TracingRequest.objects.exists()
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco))
    assert _message("SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT") in _page(response)
    assert not TracingRequest.objects.exists()


def _consent_post(case, guardian, **values):
    return {"case": case.pk, "country": "MA", "guardian": guardian.pk, "document_date": "2026-01-10",
            "document_reference": "Signed consent 2026/3 (fictional)", "words_text": "I agree", **values}  # fmt: skip


def test_a_caseworker_quotes_the_guardians_signed_consent_and_the_request_is_sent(cw_client, case, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    guardian = guardian_for(case, starts_at=timezone.now() - timedelta(days=400))
    response = cw_client.post(_add("tracingconsent"), _consent_post(case, guardian))
    assert response.status_code == 302
    consent = TracingConsent.objects.get()
    assert (consent.guardian, consent.recorded_by, consent.document_reference) == (
        guardian, caseworker, "Signed consent 2026/3 (fictional)",
    )  # fmt: skip
    morocco = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco, guardian_consent=consent.pk))
    assert response.status_code == 302
    assert TracingRequest.objects.get().guardian_consent_by == guardian


def test_a_quote_without_its_reference_is_refused_on_the_form(cw_client, case):
    guardian = guardian_for(case)
    response = cw_client.post(_add("tracingconsent"), _consent_post(case, guardian, document_reference=""))
    assert response.status_code == 200
    assert not TracingConsent.objects.exists()


def test_a_quote_naming_someone_who_is_not_the_childs_guardian_is_refused_on_the_form(cw_client, case, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    from apps.guardianship.models import GuardianAppointment

    former = guardian_for(case, starts_at=timezone.now() - timedelta(days=400))
    GuardianAppointment.objects.filter(case=case).update(ends_at=timezone.now() - timedelta(days=1),
                                                         end_reason=sealed_reason(case, "Ended (fictional)"))  # fmt: skip
    guardian_for(case, starts_at=timezone.now() - timedelta(days=1))
    response = cw_client.post(_add("tracingconsent"), _consent_post(case, former))
    assert response.status_code == 200
    assert "active guardian" in _page(response)
    assert not TracingConsent.objects.exists()


def test_a_request_without_the_childs_views_is_refused_with_the_code(cw_client, case):
    guardian_for(case)
    morocco = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]
    response = cw_client.post(_add("tracingrequest"), _tracing_post(case, morocco, child_views_text=""))
    assert _message("SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS") in _page(response)


def test_results_are_recorded_through_an_action(cw_client, case, caseworker):
    request = tracing_request_open(actor=caseworker, case=case, via=TracingChannel.RED_CROSS, country="MA",
                                   sought="Mother")  # fmt: skip
    cw_client.post(_changelist("tracingrequest"), {"action": "record_found", "_selected_action": [request.pk],
                                                   "confirm": "yes", "results": "Found in Fes"})  # fmt: skip
    request.refresh_from_db()
    assert (request.status, stored(request, "results")) == (TracingStatus.FOUND, "Found in Fes")


def test_a_reason_not_to_trace_is_added_and_withdrawn_through_the_admin(cw_client, case, caseworker):
    response = cw_client.post(_add("tracingnotdone"), {"case": case.pk, "reason": TracingNotDoneReason.UNSAFE,
                                                       "explanation_text": "Family linked to the recruiters"})  # fmt: skip
    assert response.status_code == 302
    record = TracingNotDone.objects.get()
    cw_client.post(_changelist("tracingnotdone"), {"action": "withdraw", "_selected_action": [record.pk],
                                                   "confirm": "yes", "reason": "Recruiters convicted"})  # fmt: skip
    record.refresh_from_db()
    assert stored(record, "withdraw_reason") == "Recruiters convicted"


def test_a_tracing_request_while_tracing_is_recorded_unsafe_is_refused_on_the_form(cw_client, case, caseworker):
    tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.UNSAFE, explanation="Danger")
    response = cw_client.post(_add("tracingrequest"), {"case": case.pk, "via": TracingChannel.RED_CROSS,
                                                       "country": "MA", "sought_text": "Mother"})  # fmt: skip
    assert "withdraw that record first" in _page(response)
    assert not TracingRequest.objects.exists()
