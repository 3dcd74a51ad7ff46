"""The rule catalogue holds exactly the domain guide's codes (and refinements of them)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from apps.core.rules import CATALOGUE, HAVEN_CODES, RuleViolation, Violation, Violations, refuse

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "docs" / "domain.md"
SHARED_DOMAIN = ROOT.parent / "shared" / "DOMAIN.md"


def _domain_codes(text: str) -> set[str]:
    codes = set(re.findall(r"`([A-Z][A-Z_]{5,})`", text))
    return {c for c in codes if not c.endswith("_")}


def test_every_code_of_the_domain_guide_is_in_the_catalogue():
    missing = _domain_codes(DOMAIN.read_text()) - set(CATALOGUE)
    assert not missing


def test_every_catalogue_code_is_a_domain_code_or_its_refinement():
    domain = _domain_codes(DOMAIN.read_text())
    strays = {code for code in CATALOGUE if code.split(".")[0] not in domain | HAVEN_CODES}
    assert not strays


def test_havens_own_codes_are_few_and_never_shadow_the_guide():
    # Only for rules the guide states without a code (closure criteria; the second person who
    # approves a role that reaches case data; dates a rule relies on are plausible; a case's
    # documents are files Haven can hand back safely; break-glass out of hours); never a rename.
    assert {
        "CLOSURE_CRITERIA_UNMET",
        "ROLE_APPROVAL_REQUIRED",
        "DATE_NOT_PLAUSIBLE",
        "DOCUMENT_NOT_ACCEPTED",
        "BREAK_GLASS_NOT_ALLOWED",
    } == HAVEN_CODES
    assert not HAVEN_CODES & _domain_codes(DOMAIN.read_text())


def test_the_project_copy_of_the_domain_guide_is_current():
    # Where the shared guide is beside the checkout (CI), the project's copy must match it.
    shared = SHARED_DOMAIN.read_text() if SHARED_DOMAIN.exists() else DOMAIN.read_text()
    assert DOMAIN.read_text() == shared


def test_a_refusal_carries_every_violation_at_once():
    found = Violations()
    found.check(False, "RETURN_REQUIRES_BID")
    found.check(True, "RETURN_REQUIRES_RISK_ASSESSMENT")
    found.add("RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER")
    with pytest.raises(RuleViolation) as refused:
        found.raise_if_any()
    assert refused.value.codes == ["RETURN_REQUIRES_BID", "RETURN_REQUIRES_REINTEGRATION_PLAN.NO_CAREGIVER"]
    assert refused.value.code == "RETURN_REQUIRES_BID"


def test_no_violation_no_refusal():
    Violations().raise_if_any()


def test_a_code_outside_the_catalogue_cannot_be_raised():
    with pytest.raises(KeyError):
        Violation("MADE_UP_RULE")


def test_messages_take_their_facts():
    violation = refuse("GUARDIAN_REQUIRED", action="an age assessment").violations[0]
    assert violation.message == "A representative or guardian must be active before an age assessment."
    assert violation.as_dict()["facts"] == {"action": "an age assessment"}


def test_a_missing_fact_shows_as_a_placeholder_not_a_crash():
    assert "[action]" in Violation("GUARDIAN_REQUIRED").message


def test_messages_are_translatable_at_render_time():
    violation = Violation("NEVER_DETAIN")
    with translation.override("fr"):
        assert isinstance(violation.message, str)
    assert violation.rule.parent == "NEVER_DETAIN"


def test_refinements_name_their_parent():
    assert CATALOGUE["RETURN_REQUIRES_BID.NOT_APPROVED"].parent == "RETURN_REQUIRES_BID"
