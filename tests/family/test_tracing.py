"""Family tracing: requests, results, reasons it is not done, and R8's bar on contacting the
authorities of the child's country of origin (SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.accounts.models import AgencyKind
from apps.care.services import missing_report
from apps.core.rules import RuleViolation
from apps.family import services
from apps.family.models import TracingChannel, TracingNotDoneReason, TracingRequest, TracingStatus
from apps.family.selectors import tracing_outcome
from apps.rights.models import ClaimStatus
from apps.rights.services import protection_claim_status_change
from tests.cases.sealed import stored
from tests.family.factories import (
    asylum_claim,
    case_with_staff,
    consent_of,
    guardian_for,
    partner_agency,
    relative_of,
    security_assessed,
)
from tests.guardianship.factories import sealed_reason

pytestmark = pytest.mark.django_db

COUNTRY_OF_ORIGIN = "SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN"


@pytest.fixture
def staffed():
    # The child is Moroccan (MA), unaccompanied; the agency is in Portugal.
    return case_with_staff(child_facts={"unaccompanied": True, "nationalities": ["MA"], "country_of_origin": "MA"})


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def morocco():
    return partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="MA")[0]


def to_morocco(case, caseworker, counterpart, **values):
    return services.tracing_request_open(
        actor=caseworker, case=case, **{"via": TracingChannel.COUNTERPART_AGENCY, "counterpart": counterpart,
                                        "country": "MA", "sought": "Her mother, last seen in Tangier", **values},
    )  # fmt: skip


def red_cross(case, caseworker, **values):
    return services.tracing_request_open(
        actor=caseworker, case=case, **{"via": TracingChannel.RED_CROSS, "country": "MA",
                                        "sought": "Her mother, last seen in Tangier", **values},
    )  # fmt: skip


def refused_codes(call):
    with pytest.raises(RuleViolation) as refused:
        call()
    assert not TracingRequest.objects.exists()
    return refused.value.codes


# --- SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN -------------------------------------------------------
def test_nothing_goes_to_the_origin_counterpart_while_an_asylum_claim_is_pending(case, caseworker, morocco):
    consent = consent_of(case, guardian_for(case))
    asylum_claim(case, caseworker)
    codes = refused_codes(lambda: to_morocco(case, caseworker, morocco, child_views="Wants her mother found",
                                             guardian_consent=consent))  # fmt: skip
    assert codes == [COUNTRY_OF_ORIGIN]


def test_refugee_status_bars_the_origin_authorities_whatever_the_consent(case, caseworker):
    consent = consent_of(case, guardian_for(case))
    claim = asylum_claim(case, caseworker)
    protection_claim_status_change(actor=caseworker, claim=claim, status=ClaimStatus.REFUGEE_STATUS_GRANTED,
                                   on=timezone.localdate(), note="Granted by the asylum office.")  # fmt: skip
    codes = refused_codes(lambda: services.tracing_request_open(
        actor=caseworker, case=case, via=TracingChannel.AUTHORITIES, country="MA", sought="Father",
        child_views="Agrees", guardian_consent=consent))  # fmt: skip
    assert codes == [COUNTRY_OF_ORIGIN]


def test_the_police_tracing_in_the_country_of_origin_is_barred_too(case, caseworker):
    asylum_claim(case, caseworker)
    codes = refused_codes(lambda: services.tracing_request_open(
        actor=caseworker, case=case, via=TracingChannel.POLICE, country="ma", sought="Father"))  # fmt: skip
    assert codes == [COUNTRY_OF_ORIGIN]


def test_tracing_recorded_as_unsafe_bars_the_origin_authorities(case, caseworker, morocco):
    services.tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.UNSAFE,
                                     explanation="The recruiters are her mother's neighbours")  # fmt: skip
    assert refused_codes(lambda: to_morocco(case, caseworker, morocco)) == [COUNTRY_OF_ORIGIN]


def test_a_security_assessment_finding_serious_harm_bars_the_origin_authorities(case, caseworker, morocco):
    security_assessed(case, caseworker, safe=False, serious_harm_found=True)
    assert refused_codes(lambda: to_morocco(case, caseworker, morocco)) == [COUNTRY_OF_ORIGIN]


def test_a_missing_report_withholding_notice_to_that_country_bars_it(case, caseworker, morocco):
    missing_report(actor=caseworker, case=case, may_have_crossed_to="MA", notice_could_endanger=True,
                   notice_withheld_reason="Family involved")  # fmt: skip
    assert refused_codes(lambda: to_morocco(case, caseworker, morocco)) == [COUNTRY_OF_ORIGIN]


def test_the_red_cross_may_trace_while_an_asylum_claim_is_pending(case, caseworker):
    asylum_claim(case, caseworker)
    request = red_cross(case, caseworker)
    assert (request.status, request.via) == (TracingStatus.OPEN, TracingChannel.RED_CROSS)
    assert stored(request, "sought") == "Her mother, last seen in Tangier"


def test_a_counterpart_in_a_third_country_may_trace_while_a_claim_is_pending(case, caseworker):
    spain = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="ES")[0]
    asylum_claim(case, caseworker)
    request = services.tracing_request_open(actor=caseworker, case=case, via=TracingChannel.COUNTERPART_AGENCY,
                                            counterpart=spain, country="", sought="An aunt in Madrid")  # fmt: skip
    assert request.country == "ES"


def test_without_a_claim_the_origin_counterpart_needs_the_childs_views_and_the_guardians_consent(
    case, caseworker, morocco
):
    codes = refused_codes(lambda: to_morocco(case, caseworker, morocco))
    assert codes == ["SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS", "GUARDIAN_REQUIRED",
                     "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT"]  # fmt: skip


def test_with_the_childs_views_and_the_guardians_own_recorded_consent_the_origin_counterpart_is_asked(
    case, caseworker, morocco
):
    guardian = guardian_for(case)
    consent = consent_of(case, guardian)
    assert not consent.quoted
    request = to_morocco(case, caseworker, morocco, child_views="She wants to know her mother is safe",
                         guardian_consent=consent)  # fmt: skip
    assert (request.guardian_consent, request.guardian_consent_by) == (consent, guardian)
    assert stored(request, "child_views") == "She wants to know her mother is safe"
    assert stored(consent, "words") == "I agree to the search (fictional)."


# --- The guardian's consent is the guardian's record, never a caseworker's tick ----------------------
ORIGIN_WITHOUT_CONSENT = "SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_GUARDIAN_CONSENT"


def quote(case, caseworker, guardian, **values):
    return services.tracing_consent_record(
        actor=caseworker, case=case, **{"country": "MA", "guardian": guardian,
                                        "document_date": timezone.localdate(),
                                        "document_reference": "Consent form 2026/17 (fictional)", **values},
    )  # fmt: skip


def test_a_caseworker_cannot_record_the_guardians_consent_on_their_own_word(case, caseworker):
    guardian = guardian_for(case)
    with pytest.raises(ValidationError) as refused:
        services.tracing_consent_record(actor=caseworker, case=case, country="MA", guardian=guardian)
    assert set(refused.value.message_dict) == {"document_date", "document_reference"}
    with pytest.raises(ValidationError) as unnamed:
        services.tracing_consent_record(actor=caseworker, case=case, country="MA", document_date=timezone.localdate(),
                                        document_reference="Form 1")  # fmt: skip
    assert set(unnamed.value.message_dict) == {"guardian"}


def test_without_a_consent_record_the_origin_counterpart_is_refused_even_with_a_guardian(case, caseworker, morocco):
    guardian_for(case)
    codes = refused_codes(lambda: to_morocco(case, caseworker, morocco, child_views="Agrees"))
    assert codes == [ORIGIN_WITHOUT_CONSENT]


def test_a_caseworker_quoting_a_signed_record_that_names_the_active_guardian_may_ask(case, caseworker, morocco):
    guardian = guardian_for(case)
    consent = quote(case, caseworker, guardian)
    assert consent.quoted
    assert (consent.guardian, consent.recorded_by, consent.document_reference) == (
        guardian, caseworker, "Consent form 2026/17 (fictional)",
    )  # fmt: skip
    request = to_morocco(case, caseworker, morocco, child_views="Agrees", guardian_consent=consent)
    assert request.guardian_consent_by == guardian


def test_a_quote_naming_someone_who_is_not_the_active_guardian_is_refused(case, caseworker):
    guardian_for(case)
    other_case = case_with_staff()[0]
    stranger = guardian_for(other_case)
    with pytest.raises(ValidationError) as refused:
        quote(case, caseworker, stranger)
    assert set(refused.value.message_dict) == {"guardian"}


def test_a_record_signed_before_the_guardian_was_appointed_is_refused(case, caseworker):
    guardian = guardian_for(case, starts_at=timezone.now() - timedelta(days=2))
    with pytest.raises(ValidationError) as refused:
        quote(case, caseworker, guardian, document_date=timezone.localdate() - timedelta(days=10))
    assert set(refused.value.message_dict) == {"document_date"}


def test_someone_who_is_neither_the_guardian_nor_case_staff_records_nothing(case):
    from django.http import Http404

    outsider = case_with_staff()[1]
    with pytest.raises(Http404):
        services.tracing_consent_record(actor=outsider, case=case, country="MA")


def test_a_consent_to_tracing_in_another_country_does_not_count(case, caseworker, morocco):
    consent = consent_of(case, guardian_for(case), country="SN")
    codes = refused_codes(lambda: to_morocco(case, caseworker, morocco, child_views="Agrees",
                                             guardian_consent=consent))  # fmt: skip
    assert codes == [ORIGIN_WITHOUT_CONSENT]


def test_the_consent_of_a_guardian_since_handed_over_does_not_count(case, caseworker, morocco):
    from apps.guardianship.models import GuardianAppointment

    consent = consent_of(case, guardian_for(case, starts_at=timezone.now() - timedelta(days=10)),
                         at=timezone.now() - timedelta(days=5))  # fmt: skip
    GuardianAppointment.objects.filter(case=case).update(ends_at=timezone.now() - timedelta(days=2),
                                                         end_reason=sealed_reason(case, "Handed over (fictional)"))  # fmt: skip
    guardian_for(case, starts_at=timezone.now() - timedelta(days=2))
    codes = refused_codes(lambda: to_morocco(case, caseworker, morocco, child_views="Agrees",
                                             guardian_consent=consent))  # fmt: skip
    assert codes == [ORIGIN_WITHOUT_CONSENT]


def test_a_consent_on_another_case_is_refused(case, caseworker, morocco):
    guardian_for(case)
    other_case = case_with_staff()[0]
    elsewhere = consent_of(other_case, guardian_for(other_case))
    with pytest.raises(ValidationError):
        to_morocco(case, caseworker, morocco, child_views="Agrees", guardian_consent=elsewhere)


def test_a_counterpart_request_names_a_counterpart_of_that_country(case, caseworker, morocco):
    with pytest.raises(ValidationError):
        to_morocco(case, caseworker, None)
    with pytest.raises(ValidationError):
        to_morocco(case, caseworker, morocco, country="SN")


# --- Results, closing, reasons not done ----------------------------------------------------------
def test_results_are_recorded_sealed_and_count_as_tracing_done(case, caseworker):
    request = red_cross(case, caseworker)
    assert not tracing_outcome(case=case, at=timezone.now()).done
    services.tracing_request_result(actor=caseworker, request=request, found=True,
                                    results="Mother found in Tetouan, wants contact")  # fmt: skip
    request.refresh_from_db()
    assert request.status == TracingStatus.FOUND
    assert stored(request, "results") == "Mother found in Tetouan, wants contact"
    outcome = tracing_outcome(case=case, at=timezone.now())
    assert outcome.done
    assert "Found" in outcome.summary
    assert "Tetouan" not in outcome.summary


def test_results_go_on_open_requests_only_and_closing_keeps_them(case, caseworker):
    request = red_cross(case, caseworker)
    services.tracing_request_result(actor=caseworker, request=request, found=False, results="No trace")
    with pytest.raises(ValidationError):
        services.tracing_request_result(actor=caseworker, request=request, found=True, results="Again")
    services.tracing_request_close(actor=caseworker, request=request, reason="Nothing more to do")
    request.refresh_from_db()
    assert request.status == TracingStatus.CLOSED
    assert tracing_outcome(case=case, at=timezone.now()).done


def test_a_reason_not_to_trace_counts_as_done_and_blocks_new_requests_until_withdrawn(case, caseworker):
    record = services.tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.CHILD_REFUSES,
                                              explanation="She does not want her father to know where she is")  # fmt: skip
    outcome = tracing_outcome(case=case, at=timezone.now())
    assert outcome.done
    assert "The child refuses tracing" in outcome.summary
    with pytest.raises(ValidationError):
        red_cross(case, caseworker)
    services.tracing_not_done_withdraw(actor=caseworker, record=record, reason="She now asks for her mother")
    assert red_cross(case, caseworker).status == TracingStatus.OPEN
    assert not tracing_outcome(case=case, at=timezone.now()).done


def test_a_protection_claim_as_reason_is_recorded_once_at_a_time(case, caseworker):
    services.tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.PROTECTION_CLAIM,
                                     explanation="Asylum claim lodged")  # fmt: skip
    with pytest.raises(ValidationError):
        services.tracing_not_done_record(actor=caseworker, case=case, reason=TracingNotDoneReason.PROTECTION_CLAIM,
                                         explanation="Again")  # fmt: skip


def test_the_outcome_reads_as_it_stood_at_the_moment_asked(case, caseworker):
    past = timezone.now() - timedelta(days=10)
    request = red_cross(case, caseworker, sent_at=past, at=past)
    services.tracing_request_result(actor=caseworker, request=request, found=True, results="Found",
                                    result_at=past + timedelta(days=5))  # fmt: skip
    assert not tracing_outcome(case=case, at=past + timedelta(days=1)).done
    assert tracing_outcome(case=case, at=past + timedelta(days=6)).done


def test_no_tracing_and_no_reason_is_said_plainly(case):
    outcome = tracing_outcome(case=case, at=timezone.now())
    assert not outcome.done
    assert "No family tracing requested" in outcome.summary


def test_a_relative_sought_belongs_to_the_case(case, caseworker):
    other_case, other_worker, _boss = case_with_staff()
    stranger = relative_of(other_case, other_worker)
    with pytest.raises(ValidationError):
        red_cross(case, caseworker, relative=stranger)
    mine = relative_of(case, caseworker)
    assert red_cross(case, caseworker, relative=mine).relative == mine
