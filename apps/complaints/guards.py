"""Closure waits for every complaint's answer: the child gets one (not waivable)."""

from apps.cases.guards import Move, transition_guard
from apps.complaints.models import Complaint, ComplaintStatus
from apps.core.rules import Violations


@transition_guard("close")
def complaints_answered(found: Violations, move: Move) -> None:
    """CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED while a complaint on the case waits for its
    answer. No supervisor's waiver passes it. The refusal says how many, never about whom."""
    waiting = Complaint.objects.filter(case=move.case).exclude(status=ComplaintStatus.ANSWERED).count()
    if waiting:
        found.add("CLOSURE_CRITERIA_UNMET.COMPLAINT_UNANSWERED", count=waiting)
