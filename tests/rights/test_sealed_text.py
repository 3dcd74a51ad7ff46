"""What people type about the child in the rights records is stored sealed, and still shown
to those who may see it."""

from datetime import date, timedelta
from html import unescape

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import RecordAccess
from apps.rights.models import IdentificationChange, ProceedingInterview, ProtectionClaimStatusChange
from apps.rights.services import (
    identification_status_change,
    interview_record,
    interview_review,
    interview_reviews_alert,
    protection_claim_lodge,
    protection_claim_status_change,
    reflection_period_change,
    reflection_period_grant,
)
from tests.cases.sealed import stored
from tests.conftest import make_staff
from tests.rights.factories import case_with_staff, guardian_for, proceeding_for

pytestmark = pytest.mark.django_db
NOW = timezone.now()
NOTE = "Fictional: she took back her statement after a call from home"
REASON = "Fictional: still too frightened to decide about the police"
CLAIM_NOTE = "Fictional: refused, the officer doubted her age"
PLACE = "Fictional: the back room of the Rua Nova police station"
URGENT = "Fictional: the suspect flies out tonight"
SUPERVISOR_REVIEW = "Fictional: she cried throughout; never again without a guardian"
GUARDIAN_REVIEW = "Fictional: I asked for the recording to be used instead"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names from the test
        (value,) = cursor.fetchone()
    return bytes(value)


@pytest.fixture
def recorded():
    case, caseworker, boss = case_with_staff()
    identification_status_change(actor=caseworker, case=case, to_status="identified", decided_on=date(2026, 3, 1))
    back = identification_status_change(actor=caseworker, case=case, to_status="presumed", note=NOTE)
    reflection_period_grant(actor=caseworker, case=case, starts_on=date(2026, 3, 1), ends_on=date(2026, 5, 30))
    extended = reflection_period_change(actor=caseworker, case=case, ends_on=date(2026, 6, 30), reason=REASON)
    claim = protection_claim_lodge(actor=caseworker, case=case, kind="asylum", lodged_on=date(2026, 3, 2),
                                   authority="National Asylum Office (fictional)")  # fmt: skip
    protection_claim_status_change(actor=boss, claim=claim, status="refused", on=date(2026, 4, 1), note=CLAIM_NOTE)
    proceeding = proceeding_for(case, caseworker)
    interview = interview_record(
        actor=caseworker, proceeding=proceeding, held_at=NOW - timedelta(hours=3), interviewer_kind="police",
        interviewer="Insp. Moreau", place=PLACE, urgent=True, urgent_reason=URGENT, at=NOW - timedelta(hours=2),
    ).interview  # fmt: skip
    guardian = guardian_for(case, starts_at=NOW - timedelta(hours=1))
    interview_reviews_alert(at=NOW)
    interview_review(actor=boss, interview=interview, review=SUPERVISOR_REVIEW, at=NOW)
    interview_review(actor=guardian, interview=interview, review=GUARDIAN_REVIEW, at=NOW)
    status_change = ProtectionClaimStatusChange.objects.get(claim=claim, status="refused")
    return {"case": case, "caseworker": caseworker, "boss": boss, "back": back, "extended": extended,
            "claim": claim, "status_change": status_change, "interview": interview}  # fmt: skip


def test_the_typed_text_is_stored_sealed_and_opens_to_what_was_typed(recorded):
    interview = ProceedingInterview.objects.get(pk=recorded["interview"].pk)
    case = recorded["case"]
    for record, table, column, typed in (
        (recorded["back"], "rights_identificationchange", "note", NOTE),
        (recorded["extended"], "rights_reflectionperiodchange", "reason", REASON),
        (recorded["status_change"], "rights_protectionclaimstatuschange", "note", CLAIM_NOTE),
        (interview, "rights_proceedinginterview", "place", PLACE),
        (interview, "rights_proceedinginterview", "urgent_reason", URGENT),
        (interview, "rights_proceedinginterview", "supervisor_review", SUPERVISOR_REVIEW),
        (interview, "rights_proceedinginterview", "guardian_review", GUARDIAN_REVIEW),
    ):
        stored_bytes = _raw(table, column, record.pk)
        assert typed.encode() not in stored_bytes, f"{table}.{column}"
        assert typed.split(": ", 1)[1].split()[-1].encode() not in stored_bytes
        assert stored(record, column, case=case) == typed


def test_the_database_keeps_requiring_an_urgent_reason_and_a_reason_to_change_the_period(recorded):
    for sql, constraint in (
        ("UPDATE rights_proceedinginterview SET urgent_reason = NULL WHERE id = %s", "rights_interview_urgent_reason"),
        ("UPDATE rights_reflectionperiodchange SET reason = NULL WHERE id = %s", "rights_reflection_change_has_reason"),
    ):
        pk = recorded["interview"].pk if "interview" in sql else recorded["extended"].pk
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])


def test_the_admin_pages_show_the_typed_text_to_the_caseworker_with_the_read_logged(client, recorded):
    caseworker, case = make_staff(recorded["caseworker"]), recorded["case"]
    client.force_login(caseworker)
    pages = {
        ("identificationchange", recorded["back"].pk): [NOTE],
        ("reflectionperiodchange", recorded["extended"].pk): [REASON],
        ("protectionclaim", recorded["claim"].pk): [CLAIM_NOTE],
        ("proceedinginterview", recorded["interview"].pk): [PLACE, URGENT, SUPERVISOR_REVIEW, GUARDIAN_REVIEW],
    }
    for (model, pk), texts in pages.items():
        before = RecordAccess.objects.filter(case=case, actor_id=caseworker.pk).count()
        page = unescape(client.get(reverse(f"admin:rights_{model}_change", args=[pk])).content.decode())
        for text in texts:
            assert text in page, model
        assert RecordAccess.objects.filter(case=case, actor_id=caseworker.pk).count() == before + 1, model
    listing = unescape(client.get(reverse("admin:rights_proceedinginterview_changelist")).content.decode())
    assert PLACE in listing


def test_a_note_left_empty_stays_empty(recorded):
    forward = IdentificationChange.objects.filter(case=recorded["case"], to_status="identified").get()
    assert forward.note is None
