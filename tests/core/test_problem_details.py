"""Every refusal reaches an API client as problem details (RFC 9457) with its code."""

from django.http import Http404

from apps.core.api import problem_details_handler
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.rules import Violations


def _violations():
    found = Violations()
    found.add("RETURN_REQUIRES_BID")
    found.add("RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING")
    try:
        found.raise_if_any()
    except Exception as exc:  # noqa: BLE001
        return exc
    raise AssertionError


def test_a_rule_violation_lists_every_violation_with_its_code():
    response = problem_details_handler(_violations(), {})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.data["code"] == "RETURN_REQUIRES_BID"
    assert [v["code"] for v in response.data["violations"]] == [
        "RETURN_REQUIRES_BID",
        "RETURN_BLOCKED_PROTECTION_CLAIM.ASYLUM_PENDING",
    ]
    assert "asylum" in response.data["detail"].lower()


def test_a_stale_version_is_a_conflict():
    response = problem_details_handler(StaleRecord(label="HVN-2026-000001", expected=3, current=4), {})
    assert (response.status_code, response.data["code"]) == (409, "stale_version")


def test_a_missing_transition_is_a_conflict():
    response = problem_details_handler(TransitionNotAllowed(transition="close", state="registered"), {})
    assert (response.status_code, response.data["code"]) == (409, "transition_not_allowed")


def test_not_found_says_nothing_about_what_was_looked_for():
    response = problem_details_handler(Http404("case HVN-2026-000009 of Aicha"), {})
    assert response.status_code == 404
    assert "Aicha" not in str(response.data)


def test_other_exceptions_are_left_to_the_server_error_page():
    assert problem_details_handler(RuntimeError("boom"), {}) is None
