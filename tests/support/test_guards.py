"""Closure: a case does not close over services still requested or provided, unless a supervisor waives."""

import pytest

from apps.cases.guards import Move
from apps.cases.services import case_transition
from apps.core.rules import RuleViolation, Violations
from apps.support.guards import services_ended
from apps.support.models import EndReason
from apps.support.services import service_end, service_start
from tests.support.factories import NOW, case_with_staff, requested, to_aftercare

pytestmark = pytest.mark.django_db
CODE = "CLOSURE_CRITERIA_UNMET.SERVICES_ACTIVE"


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    return to_aftercare(case, boss), caseworker, boss


def _close(case, actor, waiver=""):
    return case_transition(actor=actor, case=case, transition="close", expected_version=case.version,
                           reason="Aftercare done", waiver_reason=waiver)  # fmt: skip


def _codes_of_closing(case, actor, waiver=""):
    try:
        _close(case, actor, waiver)
    except RuleViolation as refusal:
        return refusal.codes, refusal.messages
    return [], []


def test_services_still_requested_or_provided_refuse_closure_and_say_how_many(staffed):
    case, caseworker, boss = staffed
    service_start(actor=caseworker, service=requested(case, caseworker))
    requested(case, caseworker)
    found, messages = _codes_of_closing(case, boss)
    assert CODE in found
    assert any(m.startswith("2 support service(s)") for m in messages)


def test_ended_services_let_the_case_close(staffed):
    case, caseworker, boss = staffed
    service_end(actor=caseworker, service=requested(case, caseworker), reason=EndReason.COMPLETED)
    found, _messages = _codes_of_closing(case, boss)
    assert CODE not in found
    violations = Violations()
    services_ended(violations, Move(actor=boss, case=case, transition="close", at=NOW, reason="",
                                    actor_is_supervisor=True))  # fmt: skip
    assert not violations


def test_a_supervisors_recorded_reason_waives_it(staffed):
    case, caseworker, boss = staffed
    requested(case, caseworker)
    found, _messages = _codes_of_closing(case, boss, waiver="The provider continues with the young person directly.")
    assert CODE not in found


def test_a_caseworkers_waiver_does_not(staffed):
    case, caseworker, _boss = staffed
    requested(case, caseworker)
    violations = Violations()
    services_ended(violations, Move(actor=caseworker, case=case, transition="close", at=NOW, reason="",
                                    waiver_reason="Please", actor_is_supervisor=False))  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        violations.raise_if_any()
    assert refused.value.codes == [CODE]
