"""Protection claims, non-refoulement findings, and what `protection_status` says of them."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from apps.core.rules import RuleViolation
from apps.rights.models import ClaimStatus, ProtectionClaimStatusChange
from apps.rights.selectors import ProtectionStatus, non_refoulement_finding_list, protection_status
from apps.rights.services import (
    non_refoulement_finding_record,
    non_refoulement_finding_set_aside,
    protection_claim_lodge,
    protection_claim_status_change,
)
from tests.cases.sealed import stored
from tests.rights.factories import case_with_staff, guardian_for

pytestmark = pytest.mark.django_db
NONE = ProtectionStatus(asylum_pending=False, refugee_status=False, serious_harm_found=False)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=12))


@pytest.fixture
def staffed():
    return case_with_staff()


def lodge(staffed, kind="asylum", lodged_on=date(2026, 2, 1)):
    case, caseworker, _ = staffed
    return protection_claim_lodge(actor=caseworker, case=case, kind=kind, lodged_on=lodged_on,
                                  authority="National Asylum Office", authority_reference="NAO-77")  # fmt: skip


def test_a_child_without_claims_or_findings_has_no_protection_status(staffed):
    assert protection_status(case=staffed[0], at=timezone.now()) == NONE


def test_a_lodged_claim_is_pending_from_the_day_it_was_lodged(staffed):
    claim = lodge(staffed)
    case = staffed[0]
    assert claim.status == ClaimStatus.PENDING
    assert ProtectionClaimStatusChange.objects.filter(claim=claim, status=ClaimStatus.PENDING).count() == 1
    assert protection_status(case=case, at=at(date(2026, 1, 31))) == NONE
    assert protection_status(case=case, at=at(date(2026, 2, 1))).asylum_pending


def test_refugee_status_granted_then_revoked_reads_as_of_each_date(staffed):
    claim = lodge(staffed)
    caseworker, supervisor = staffed[1], staffed[2]
    protection_claim_status_change(actor=caseworker, claim=claim, status="refugee_status_granted", on=date(2026, 5, 1),
                                   note="Decision NAO-77/1.")  # fmt: skip
    protection_claim_status_change(actor=supervisor, claim=claim, status="ceased_or_revoked", on=date(2026, 9, 1),
                                   note="Revoked by decision NAO-77/2.")  # fmt: skip
    case = staffed[0]
    granted = protection_status(case=case, at=at(date(2026, 6, 1)))
    assert granted.refugee_status
    assert not granted.asylum_pending
    assert protection_status(case=case, at=at(date(2026, 4, 30))).asylum_pending
    assert protection_status(case=case, at=at(date(2026, 9, 2))) == NONE
    assert claim.status_changes.count() == 3


def test_a_refusal_is_not_final_while_it_can_be_appealed(staffed):
    claim = lodge(staffed)
    caseworker, case, supervisor = staffed[1], staffed[0], staffed[2]
    protection_claim_status_change(actor=supervisor, claim=claim, status="refused", on=date(2026, 5, 1),
                                   appeal_until=date(2026, 5, 31), note="Refused by decision NAO-77/1.")  # fmt: skip
    assert protection_status(case=case, at=at(date(2026, 5, 31))).asylum_pending
    assert protection_status(case=case, at=at(date(2026, 6, 1))) == NONE
    protection_claim_status_change(actor=caseworker, claim=claim, status="appeal_pending", on=date(2026, 5, 20),
                                   note="Appeal lodged by the child's lawyer.")  # fmt: skip
    assert protection_status(case=case, at=at(date(2026, 7, 1))).asylum_pending


def test_subsidiary_protection_is_a_finding_of_serious_harm(staffed):
    claim = lodge(staffed, kind="subsidiary")
    protection_claim_status_change(actor=staffed[1], claim=claim, status="subsidiary_protection_granted",
                                   on=date(2026, 4, 1), note="Decision NAO-77/1.")  # fmt: skip
    assert protection_status(case=staffed[0], at=at(date(2026, 4, 2))) == ProtectionStatus(
        asylum_pending=False, refugee_status=False, serious_harm_found=True
    )


def test_a_claim_status_cannot_jump_or_go_back_in_time(staffed):
    claim = lodge(staffed)
    caseworker, supervisor = staffed[1], staffed[2]
    why = {"note": "The child's lawyer says so."}
    with pytest.raises(ValidationError):
        protection_claim_status_change(actor=caseworker, claim=claim, status="appeal_pending", on=date(2026, 3, 1),
                                       **why)  # fmt: skip
    with pytest.raises(ValidationError):
        protection_claim_status_change(actor=supervisor, claim=claim, status="refused", on=date(2026, 1, 1), **why)
    with pytest.raises(ValidationError):
        protection_claim_status_change(actor=supervisor, claim=claim, status="withdrawn", on=date(2026, 3, 1),
                                       appeal_until=date(2026, 4, 1), **why)  # fmt: skip
    protection_claim_status_change(actor=supervisor, claim=claim, status="withdrawn", on=date(2026, 3, 1), **why)
    with pytest.raises(ValidationError):
        protection_claim_status_change(actor=supervisor, claim=claim, status="pending", on=date(2026, 3, 2), **why)


def test_a_finding_bars_return_until_a_later_decision_sets_it_aside(staffed):
    case, caseworker, supervisor = staffed
    finding = non_refoulement_finding_record(
        actor=caseworker, case=case, found_on=date(2026, 3, 1), source_kind="court", source="Administrative Court",
        reference="AC-12/2026", summary="Reprisals by the recruiter's family on return.",
    )  # fmt: skip
    assert protection_status(case=case, at=at(date(2026, 3, 2))).serious_harm_found
    with pytest.raises(RuleViolation) as refused:
        non_refoulement_finding_set_aside(actor=caseworker, finding=finding, set_aside_on=date(2026, 8, 1),
                                          decision="Supreme Court 4/2026")  # fmt: skip
    assert refused.value.codes == ["RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NEEDS_SUPERVISOR"]
    with pytest.raises(ValidationError):
        non_refoulement_finding_set_aside(actor=supervisor, finding=finding, set_aside_on=date(2026, 2, 1),
                                          decision="Supreme Court 4/2026")  # fmt: skip
    non_refoulement_finding_set_aside(actor=supervisor, finding=finding, set_aside_on=date(2026, 8, 1),
                                      decision="Supreme Court 4/2026")  # fmt: skip
    assert protection_status(case=case, at=at(date(2026, 7, 31))).serious_harm_found
    assert not protection_status(case=case, at=at(date(2026, 8, 1))).serious_harm_found


def test_the_finding_summary_is_sealed_and_read_by_the_guardian(staffed):
    case, caseworker, _ = staffed
    finding = non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 3, 1),
                                             source_kind="authority", source="Asylum Office",
                                             summary="Risk of re-trafficking by the network.")  # fmt: skip
    finding.refresh_from_db()
    assert b"re-trafficking" not in bytes(finding.summary)
    guardian = guardian_for(case)
    seen = non_refoulement_finding_list(actor=guardian).get()
    assert stored(seen, "summary", case.child) == "Risk of re-trafficking by the network."


def test_a_guardian_reads_but_does_not_record_claims(staffed):
    case = staffed[0]
    guardian = guardian_for(case)
    with pytest.raises(PermissionDenied):
        protection_claim_lodge(actor=guardian, case=case, kind="asylum", lodged_on=date(2026, 2, 1), authority="NAO")


def test_staff_of_another_agency_do_not_know_the_case_exists(staffed):
    outsider = case_with_staff()[1]
    with pytest.raises(Http404):
        protection_claim_lodge(actor=outsider, case=staffed[0], kind="asylum", lodged_on=date(2026, 2, 1),
                               authority="NAO")  # fmt: skip
    assert non_refoulement_finding_list(actor=outsider).count() == 0


def test_a_claim_lodged_in_the_future_is_refused(staffed):
    with pytest.raises(RuleViolation, match=r"DATE_NOT_PLAUSIBLE\.IN_THE_FUTURE"):
        lodge(staffed, lodged_on=timezone.localdate() + timedelta(days=3))
