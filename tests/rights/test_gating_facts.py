"""A protection claim's status and a non-refoulement finding gate R4: each change has its reason,
one that ends the bar to return is a supervisor's, and all are kept in the child's gating-fact
history; an interview decided on the child's facts keeps which (issue 10, 2a). Through the
services and the admin."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import GatingFactChange
from apps.cases.services import facts_reliance_for
from apps.core.rules import RuleViolation
from apps.rights.models import ClaimStatus, ProtectionClaim, ProtectionClaimStatusChange
from apps.rights.services import (
    interview_record,
    non_refoulement_finding_record,
    non_refoulement_finding_set_aside,
    protection_claim_lodge,
    protection_claim_status_change,
)
from tests.cases.sealed import stored
from tests.conftest import make_staff
from tests.rights.factories import case_with_staff, guardian_for, proceeding_for

pytestmark = pytest.mark.django_db
NO_REASON = "RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NO_REASON"
NEEDS_SUPERVISOR = "RETURN_BLOCKED_PROTECTION_CLAIM.FACT_CHANGE_NEEDS_SUPERVISOR"


@pytest.fixture
def staffed():
    return case_with_staff()


def _lodge(staffed):
    case, caseworker, _ = staffed
    return protection_claim_lodge(actor=caseworker, case=case, kind="asylum", lodged_on=date(2026, 2, 1),
                                  authority="National Asylum Office")  # fmt: skip


def _claim_history(claim):
    return list(GatingFactChange.objects.filter(subject=f"protection claim {claim.pk}").order_by("pk"))


def _status(claim):
    return ProtectionClaim.objects.get(pk=claim.pk).status


# --- Through the services -----------------------------------------------------------------
def test_lodging_a_claim_is_kept_as_a_change_that_adds_a_protection(staffed):
    claim = _lodge(staffed)
    (row,) = _claim_history(claim)
    assert (row.fact, row.before, row.after, row.lifts_protection) == ("protection_claim", None, "pending", False)
    assert row.rule == "RETURN_BLOCKED_PROTECTION_CLAIM"
    assert "National Asylum Office" in stored(row, "reason")


@pytest.mark.parametrize("actor_index", [1, 2])
def test_a_claim_status_change_without_a_reason_is_refused_for_anyone(staffed, actor_index):
    claim = _lodge(staffed)
    with pytest.raises(RuleViolation) as refused:
        protection_claim_status_change(actor=staffed[actor_index], claim=claim, status="refugee_status_granted",
                                       on=date(2026, 5, 1), note="  ")  # fmt: skip
    assert refused.value.codes == [NO_REASON]
    assert _status(claim) == ClaimStatus.PENDING
    assert ProtectionClaimStatusChange.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("status", ["refused", "withdrawn"])
def test_a_caseworker_cannot_end_a_pending_claim_even_with_a_reason(staffed, status):
    claim = _lodge(staffed)
    with pytest.raises(RuleViolation) as refused:
        protection_claim_status_change(actor=staffed[1], claim=claim, status=status, on=date(2026, 5, 1),
                                       note="Decision NAO-77/1.")  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    assert _status(claim) == ClaimStatus.PENDING
    assert len(_claim_history(claim)) == 1


def test_a_caseworker_refusing_without_a_reason_hears_both_codes_at_once(staffed):
    claim = _lodge(staffed)
    with pytest.raises(RuleViolation) as refused:
        protection_claim_status_change(actor=staffed[1], claim=claim, status="refused", on=date(2026, 5, 1))
    assert refused.value.codes == [NO_REASON, NEEDS_SUPERVISOR]


def test_a_caseworker_cannot_record_that_a_grant_ceased(staffed):
    claim = _lodge(staffed)
    protection_claim_status_change(actor=staffed[1], claim=claim, status="refugee_status_granted",
                                   on=date(2026, 5, 1), note="Decision NAO-77/1.")  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        protection_claim_status_change(actor=staffed[1], claim=claim, status="ceased_or_revoked",
                                       on=date(2026, 9, 1), note="Revoked.")  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    assert _status(claim) == ClaimStatus.REFUGEE_STATUS_GRANTED


def test_a_supervisor_refuses_a_claim_with_a_reason_and_the_history_names_them(staffed):
    claim = _lodge(staffed)
    supervisor = staffed[2]
    protection_claim_status_change(actor=supervisor, claim=claim, status="refused", on=date(2026, 5, 1),
                                   note="Refused by decision NAO-77/1.")  # fmt: skip
    assert _status(claim) == ClaimStatus.REFUSED
    row = _claim_history(claim)[-1]
    assert (row.before, row.after, row.lifts_protection) == ("pending", "refused", True)
    assert (row.approved_by, row.actor, stored(row, "reason")) == (supervisor, supervisor,
                                                                  "Refused by decision NAO-77/1.")  # fmt: skip
    assert row.child_id == staffed[0].child_id


def test_a_caseworker_records_a_grant_or_an_appeal_with_a_reason_no_supervisor_needed(staffed):
    claim = _lodge(staffed)
    caseworker, supervisor = staffed[1], staffed[2]
    protection_claim_status_change(actor=supervisor, claim=claim, status="refused", on=date(2026, 5, 1),
                                   note="Refused by decision NAO-77/1.")  # fmt: skip
    protection_claim_status_change(actor=caseworker, claim=claim, status="appeal_pending", on=date(2026, 5, 20),
                                   note="The child's lawyer appealed.")  # fmt: skip
    protection_claim_status_change(actor=caseworker, claim=claim, status="refugee_status_granted",
                                   on=date(2026, 8, 1), note="Appeal allowed.")  # fmt: skip
    rows = _claim_history(claim)
    assert [(r.after, r.lifts_protection, r.approved_by) for r in rows[2:]] == [
        ("appeal_pending", False, None), ("refugee_status_granted", False, None)
    ]  # fmt: skip


def test_recording_a_finding_and_setting_it_aside_are_kept_and_the_lift_is_a_supervisors(staffed):
    case, caseworker, supervisor = staffed
    finding = non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 3, 1),
                                             source_kind="court", source="Administrative Court",
                                             summary="Reprisals on return.")  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        non_refoulement_finding_set_aside(actor=caseworker, finding=finding, set_aside_on=date(2026, 8, 1),
                                          decision="Supreme Court 4/2026")  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    non_refoulement_finding_set_aside(actor=supervisor, finding=finding, set_aside_on=date(2026, 8, 1),
                                      decision="Supreme Court 4/2026")  # fmt: skip
    rows = list(GatingFactChange.objects.filter(subject=f"non-refoulement finding {finding.pk}").order_by("pk"))
    assert [(r.before, r.after, r.lifts_protection, r.approved_by) for r in rows] == [
        (False, True, False, None), (True, False, True, supervisor)
    ]  # fmt: skip
    assert "Supreme Court 4/2026" in stored(rows[1], "reason")
    assert all("Reprisals" not in stored(r, "reason") for r in rows)  # the sealed summary stays out of the history


def test_an_interview_without_a_guardian_keeps_the_facts_it_was_recorded_on(staffed):
    case, caseworker, supervisor = staffed
    claim = _lodge(staffed)
    proceeding = proceeding_for(case, caseworker)
    held = timezone.now() - timedelta(hours=2)
    interview = interview_record(actor=caseworker, proceeding=proceeding, held_at=held,
                                 interviewer_kind="police").interview  # fmt: skip
    assert interview.without_guardian
    reliance = facts_reliance_for(interview)
    assert reliance is not None
    assert reliance.facts["unaccompanied"] == case.child.unaccompanied
    lodged = _claim_history(claim)[-1]
    assert reliance.last_change == lodged
    # A later change of the claim does not rewrite what the interview relied on.
    protection_claim_status_change(actor=supervisor, claim=claim, status="withdrawn", on=timezone.localdate(),
                                   note="The child withdrew it with the lawyer.")  # fmt: skip
    assert facts_reliance_for(interview).last_change == lodged


def test_an_interview_with_a_guardian_also_keeps_its_facts_and_one_by_a_judge_decides_nothing_on_them(staffed):
    case, caseworker, _ = staffed
    guardian_for(case, starts_at=timezone.now() - timedelta(days=5))
    proceeding = proceeding_for(case, caseworker)
    held = timezone.now() - timedelta(hours=2)
    police = interview_record(actor=caseworker, proceeding=proceeding, held_at=held, interviewer_kind="police")
    judge = interview_record(actor=caseworker, proceeding=proceeding, held_at=held, interviewer_kind="judge")
    assert facts_reliance_for(police.interview) is not None
    assert facts_reliance_for(judge.interview) is None


# --- Through the admin --------------------------------------------------------------------


def _post_status(client, claim, **values):
    post = {"action": "change_status", "_selected_action": [claim.pk], "confirm": "yes", "on": "2026-05-01"}
    return client.post(reverse("admin:rights_protectionclaim_changelist"), post | values)


def test_the_admin_shows_a_caseworkers_refusal_of_a_claim_as_form_errors_with_the_codes(client, staffed):
    claim = _lodge(staffed)
    client.force_login(make_staff(staffed[1]))
    response = _post_status(client, claim, status="refused")
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert f"({NO_REASON})" in page
    assert f"({NEEDS_SUPERVISOR})" in page
    assert _status(claim) == ClaimStatus.PENDING


def test_the_admin_lets_a_supervisor_refuse_a_claim_with_a_reason_and_keeps_the_history(client, staffed):
    claim = _lodge(staffed)
    client.force_login(make_staff(staffed[2]))
    response = _post_status(client, claim, status="refused", appeal_until="2026-05-31", note="Decision NAO-77/1.")
    assert response.status_code == 302
    assert _status(claim) == ClaimStatus.REFUSED
    row = _claim_history(claim)[-1]
    assert (row.after, row.approved_by, stored(row, "reason")) == ("refused", staffed[2], "Decision NAO-77/1.")


def test_the_admin_lets_a_caseworker_record_a_grant_with_a_reason(client, staffed):
    claim = _lodge(staffed)
    client.force_login(make_staff(staffed[1]))
    response = _post_status(client, claim, status="refugee_status_granted")
    assert f"({NO_REASON})" in unescape(response.content.decode())
    response = _post_status(client, claim, status="refugee_status_granted", note="Decision NAO-77/1.")
    assert response.status_code == 302
    assert _status(claim) == ClaimStatus.REFUGEE_STATUS_GRANTED
    assert _claim_history(claim)[-1].lifts_protection is False


def test_the_admin_refuses_a_caseworker_setting_a_finding_aside(client, staffed):
    case, caseworker, supervisor = staffed
    finding = non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 3, 1),
                                             source_kind="court", source="Administrative Court")  # fmt: skip
    url = reverse("admin:rights_nonrefoulementfinding_changelist")
    post = {"action": "set_aside", "_selected_action": [finding.pk], "confirm": "yes", "on": "2026-08-01",
            "decision": "Supreme Court 4/2026"}  # fmt: skip
    client.force_login(make_staff(caseworker))
    response = client.post(url, post)
    assert f"({NEEDS_SUPERVISOR})" in unescape(response.content.decode())
    client.force_login(make_staff(supervisor))
    assert client.post(url, post).status_code == 302
    finding.refresh_from_db()
    assert finding.set_aside_on == date(2026, 8, 1)


# --- Held by the database, whatever writes (raw SQL as the application role) --------------
def _checked_at_commit(sql, params):
    """Run a raw statement, then the checks deferred to commit (the test's transaction never commits)."""

    def write_and_check() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with pytest.raises(IntegrityError, match="without a recorded reason"):
        write_and_check()


def test_raw_sql_ending_a_claim_without_its_history_row_is_refused_at_commit(staffed):
    claim = _lodge(staffed)
    _checked_at_commit("UPDATE rights_protectionclaim SET status = 'refused' WHERE id = %s", [claim.pk])
    assert _status(claim) == ClaimStatus.PENDING


def test_raw_sql_setting_a_finding_aside_without_its_history_row_is_refused_at_commit(staffed):
    case, caseworker, _ = staffed
    finding = non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 3, 1),
                                             source_kind="court", source="Administrative Court")  # fmt: skip
    _checked_at_commit(
        "UPDATE rights_nonrefoulementfinding SET set_aside_on = '2026-08-01', set_aside_by = 'x' WHERE id = %s",
        [finding.pk],
    )
    finding.refresh_from_db()
    assert finding.set_aside_on is None


def test_the_service_paths_pass_the_commit_checks(staffed):
    case, caseworker, supervisor = staffed
    claim = _lodge(staffed)
    protection_claim_status_change(actor=supervisor, claim=claim, status="refused", on=date(2026, 5, 1),
                                   note="Decision NAO-77/1.")  # fmt: skip
    finding = non_refoulement_finding_record(actor=caseworker, case=case, found_on=date(2026, 3, 1),
                                             source_kind="court", source="Administrative Court")  # fmt: skip
    non_refoulement_finding_set_aside(actor=supervisor, finding=finding, set_aside_on=date(2026, 8, 1),
                                      decision="Supreme Court 4/2026")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # raises if any check fails


def test_the_application_role_cannot_switch_the_history_checks_off():
    for sql in (
        "ALTER TABLE rights_protectionclaim DISABLE TRIGGER rights_claim_status_has_history",
        "DROP TRIGGER rights_finding_has_history ON rights_nonrefoulementfinding",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
