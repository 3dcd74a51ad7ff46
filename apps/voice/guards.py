"""The voice app's workflow guards: a case closes only with the child's views on closing (R6)."""

from apps.cases.guards import Move, transition_guard
from apps.cases.models import CaseTransition
from apps.core.rules import Violations
from apps.voice.models import ViewsDecision
from apps.voice.rules import child_views_recorded


@transition_guard("close")
def child_heard_on_closure(found: Violations, move: Move) -> None:
    """Views on closing recorded since the case was last reopened (or ever). A supervisor's
    waiver does not pass it: the child is heard, or why they could not be is recorded."""
    reopened = (
        CaseTransition.objects.filter(case=move.case, name="reopen", at__lte=move.at)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    child_views_recorded(found, case=move.case, decision=ViewsDecision.CLOSURE, at=move.at, since=reopened)
