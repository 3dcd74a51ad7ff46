"""The support app's say in the workflow: a case does not close over services still owed."""

from apps.cases.guards import Move, transition_guard
from apps.core.rules import Violations
from apps.support.selectors import active_service_count


@transition_guard("close")
def services_ended(found: Violations, move: Move) -> None:
    """CLOSURE_CRITERIA_UNMET.SERVICES_ACTIVE while a service is requested or provided — the
    child would lose it silently — unless a supervisor records why the case closes anyway."""
    active = active_service_count(case=move.case)
    if active and not move.waived_by_supervisor:
        found.add("CLOSURE_CRITERIA_UNMET.SERVICES_ACTIVE", count=active)
