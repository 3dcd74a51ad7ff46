"""Every code of the rule catalogue is raised by some guard.

A code in apps/core/rules.py that no guard raises is a rule the guide states and the software
forgets: RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK sat in the catalogue while the release gate
never asked about a suspected link. The scan reads every module of apps/ — not the catalogue
itself, not migrations — and collects the string literals that are codes. Prose does not count
(docstrings and bare string statements are skipped), nor does a fragment of an f-string: a code
built at run time is listed in BUILT_DYNAMICALLY with the fixed part its builder must contain.

A static scan cannot prove a guard is on the path of every channel; the service and admin tests
of each app do that. It proves the weaker, cheap thing: a code nobody wrote down is a code nobody
raises.
"""

import ast
from pathlib import Path

from apps.core.rules import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "apps"
CATALOGUE_FILE = APPS / "core" / "rules.py"

# Parent codes raised only through their refinements: every way the rule can fail has a
# refinement that says exactly what is missing, so the bare parent would tell the caseworker
# less. Each must have at least one refinement that is raised.
RAISED_THROUGH_REFINEMENTS: dict[str, str] = {
    "GUARDIAN_NOT_ELIGIBLE": "training, independence, record check, caseload (apps/guardianship/rules.py)",
    "AGE_ASSESSMENT_NOT_ALLOWED": "each missing safeguard of a last-resort assessment (apps/age/rules.py)",
    "RETURN_REQUIRES_CHILD_VIEWS": "no views, no guardian's consent, objection not addressed (apps/solutions)",
    "RETURN_BLOCKED_PROTECTION_CLAIM": "claim pending, refugee status, serious harm found (apps/solutions)",
    "RELEASE_REQUIRES_VERIFICATION": "identity, relationship, suspected link, family assessment, opinion (family)",
    "SERVICES_UNCONDITIONAL": "cooperation, identification status, nationality (apps/support/rules.py)",
    "SHARING_NOT_ALLOWED": "the country-of-origin refinements (apps/family/rules.py)",
    "CLOSURE_CRITERIA_UNMET": "each unmet closure criterion, from the guard of the app that holds it",
    "ROLE_APPROVAL_REQUIRED": "self-approval, not an approver, not pending, operator (apps/accounts)",
    "DATE_NOT_PLAUSIBLE": "in the future, too early, too far ahead (apps/core/dates.py)",
    "DOCUMENT_NOT_ACCEPTED": "empty, too large, a type not allowed (apps/cases/uploads.py)",
}

# Codes built at run time: a varying part (the rule a gating fact belongs to) and a fixed part,
# which must appear in an f-string in apps/. apps/cases/services.py builds
# f"{rule}.FACT_CHANGE_NO_REASON" and f"{rule}.FACT_CHANGE_NEEDS_SUPERVISOR" for the rule the
# changed fact gates (apps/cases/rules.py: fact_rule).
BUILT_DYNAMICALLY: dict[str, str] = {
    f"{rule}.{detail}": f".{detail}"
    for rule in ("GUARDIAN_REQUIRED", "PRESUMED_MINOR", "RETURN_BLOCKED_PROTECTION_CLAIM")
    for detail in ("FACT_CHANGE_NO_REASON", "FACT_CHANGE_NEEDS_SUPERVISOR")
}

# Codes no guard raises yet, each with the work that will raise it. Listed so that the gap is
# visible and routed rather than silently green; an entry whose code becomes raised fails
# `test_the_codes_not_raised_yet_are_really_not_raised`, so this list only shrinks. A code
# that is obsolete is said so here, never deleted from the catalogue by this test.
NOT_RAISED_YET: dict[str, str] = {
    # A partner's read of an unshared section answers 404 like any record out of reach
    # (apps/cases/reading.py); the REST API will name the section in its refusal.
    "SHARING_NOT_ALLOWED.SECTION_NOT_SHARED": "referrals: partner access to a section the referral does not share",
    # Bulk exports of identifiable data are not built yet.
    "SHARING_NOT_ALLOWED.BULK_EXPORT_UNAPPROVED": "exports: a bulk export without a second person's approval",
}


def _code_literals(source: str) -> set[str]:
    """String literals of `source` that could name a code: not docstrings or bare string
    statements, not fragments of f-strings."""
    tree = ast.parse(source)
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    fragments = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose | fragments
    }


def _fstring_fragments(source: str) -> set[str]:
    return {
        part.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.JoinedStr)
        for part in node.values
        if isinstance(part, ast.Constant) and isinstance(part.value, str)
    }


def _sources() -> list[str]:
    return [
        path.read_text()
        for path in sorted(APPS.rglob("*.py"))
        if "migrations" not in path.parts and path != CATALOGUE_FILE
    ]


SOURCES = _sources()
LITERALS = set().union(*(_code_literals(source) for source in SOURCES))
FRAGMENTS = set().union(*(_fstring_fragments(source) for source in SOURCES))


def _raised_directly(code: str) -> bool:
    return code in LITERALS or (code in BUILT_DYNAMICALLY and BUILT_DYNAMICALLY[code] in FRAGMENTS)


def _raised(code: str) -> bool:
    if _raised_directly(code):
        return True
    if code in RAISED_THROUGH_REFINEMENTS:
        return any(_raised_directly(other) for other in CATALOGUE if other.startswith(f"{code}."))
    return False


def test_every_catalogue_code_is_raised_by_some_guard():
    forgotten = sorted(code for code in CATALOGUE if not _raised(code) and code not in NOT_RAISED_YET)
    assert not forgotten, f"catalogue codes no guard raises: {forgotten}"


def test_a_parent_raised_only_through_its_refinements_has_a_refinement_that_is_raised():
    for parent in RAISED_THROUGH_REFINEMENTS:
        refinements = [code for code in CATALOGUE if code.startswith(f"{parent}.")]
        assert any(_raised_directly(code) for code in refinements), parent


def test_every_code_built_at_run_time_has_its_builder():
    missing = sorted(code for code, fragment in BUILT_DYNAMICALLY.items() if fragment not in FRAGMENTS)
    assert not missing, f"no f-string in apps/ builds {missing}"


def test_the_codes_not_raised_yet_are_really_not_raised():
    # Once a guard raises one, its entry goes: the list of gaps only shrinks.
    stale = sorted(code for code in NOT_RAISED_YET if _raised(code))
    assert not stale, f"now raised, remove from NOT_RAISED_YET: {stale}"


def test_the_tables_name_codes_of_the_catalogue():
    # A code only in this test's tables (the catalogue changed) would make them lie.
    strays = (set(RAISED_THROUGH_REFINEMENTS) | set(NOT_RAISED_YET) | set(BUILT_DYNAMICALLY)) - set(CATALOGUE)
    assert not strays


def test_a_code_in_prose_or_an_fstring_fragment_is_not_a_raised_code():
    source = (
        '"""RETURN_REQUIRES_BID in a module docstring."""\n'
        "def guard(found, rule):\n"
        '    """RELEASE_REQUIRES_VERIFICATION.IDENTITY in a docstring."""\n'
        '    found.add(f"NEVER_DETAIN{rule}")\n'
        '    found.add("BID_REQUIRED")\n'
    )
    assert _code_literals(source) & set(CATALOGUE) == {"BID_REQUIRED"}
    assert "NEVER_DETAIN" in _fstring_fragments(source)
