"""What people type into a case's histories is stored sealed, and still shown to those who may see it."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from apps.audit.models import RecordAccess
from apps.cases.models import CaseTransition, GatingFactChange
from apps.cases.services import case_transition, child_anonymise, child_facts_update
from apps.casework.selectors import case_timeline
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

MOVE_REASON = "Fictional: moved to the shelter after threats at the flat"
FACT_REASON = "Fictional: the uncle was verified as her carer"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names from the test
        (value,) = cursor.fetchone()
    return bytes(value)


def _moved_and_unticked():
    case = register(child_facts={"unaccompanied": True}).case
    supervisor = supervisor_in(case.owning_agency)
    moved = case_transition(actor=case.registered_by, case=case, transition="start_protection",
                            expected_version=case.version, reason=MOVE_REASON)  # fmt: skip
    child_facts_update(actor=supervisor, case=moved, facts={"unaccompanied": False}, reason=FACT_REASON)
    step = CaseTransition.objects.get(case=case, name="start_protection")
    return moved, supervisor, step, GatingFactChange.objects.get(case=case)


def test_a_transition_reason_and_a_gating_fact_reason_are_stored_sealed():
    _case, _supervisor, step, change = _moved_and_unticked()
    for table, pk, typed in (("cases_casetransition", step.pk, MOVE_REASON),
                             ("cases_gatingfactchange", change.pk, FACT_REASON)):  # fmt: skip
        stored_bytes = _raw(table, "reason", pk)
        assert typed.encode() not in stored_bytes
        assert b"shelter" not in stored_bytes
        assert b"uncle" not in stored_bytes
    assert (stored(step, "reason"), stored(change, "reason")) == (MOVE_REASON, FACT_REASON)


def test_a_supervisors_waiver_is_stored_sealed_and_a_caseworkers_is_not_kept():
    case = register().case
    supervisor = supervisor_in(case.owning_agency)
    waiver = "Fictional: her mother asked for it at the hearing"
    moved = case_transition(actor=supervisor, case=case, transition="start_protection", expected_version=case.version,
                            reason="Fictional: placed", waiver_reason=waiver)  # fmt: skip
    step = CaseTransition.objects.get(case=case, name="start_protection")
    assert waiver.encode() not in _raw("cases_casetransition", "waiver_reason", step.pk)
    assert stored(step, "waiver_reason") == waiver
    case_transition(actor=case.registered_by, case=moved, transition="start_assessment",
                    expected_version=moved.version, reason="Fictional: assessed", waiver_reason=waiver)  # fmt: skip
    assert CaseTransition.objects.get(case=case, name="start_assessment").waiver_reason is None


def test_the_database_refuses_a_gating_fact_change_without_a_reason():
    _case, _supervisor, _step, change = _moved_and_unticked()
    with (
        pytest.raises(IntegrityError, match="cases_gatingfact_reason"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO cases_gatingfactchange (child_id, case_id, fact, subject, before, after, rule, "
            "lifts_protection, reason, actor_id, at) SELECT child_id, case_id, fact, subject, before, after, "
            "rule, false, NULL, actor_id, at FROM cases_gatingfactchange WHERE id = %s",
            [change.pk],
        )


def test_the_case_page_shows_the_histories_reasons_to_the_caseworker_under_one_logged_read(client):
    case, _supervisor, _step, _change = _moved_and_unticked()
    caseworker = case.registered_by
    caseworker.is_staff = True
    caseworker.save(update_fields=["is_staff"])
    client.force_login(caseworker)
    before = RecordAccess.objects.filter(case=case).count()
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert MOVE_REASON in page
    assert FACT_REASON in page
    assert "Registered" in page
    rows = RecordAccess.objects.filter(case=case).order_by("pk")[before:]
    assert [(r.actor, r.action, r.channel) for r in rows] == [(caseworker, "view", "admin")]


def test_an_anonymised_childs_reasons_are_no_longer_shown(client):
    case, supervisor, _step, _change = _moved_and_unticked()
    child_anonymise(actor=supervisor, child=case.child)
    supervisor.is_staff = True
    supervisor.save(update_fields=["is_staff"])
    client.force_login(supervisor)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert MOVE_REASON not in page
    assert FACT_REASON not in page
    assert "Anonymised" in page


def test_the_case_timeline_opens_the_transition_reason_for_the_caseworker():
    case, _supervisor, _step, _change = _moved_and_unticked()
    entries = case_timeline(actor=case.registered_by, case=case, channel="web")
    assert any(entry.kind == "transition" and entry.detail == MOVE_REASON for entry in entries)
