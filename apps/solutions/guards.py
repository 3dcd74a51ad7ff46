"""The solutions app's workflow guards (R4, R9).

- `implement_solution` needs a durable solution (or release) decided in this round of the case;
- `start_follow_up` needs it implemented;
- `close` needs every follow-up visit done — or a supervisor's recorded reason — and, for a
  young person who has come of age with the case open in follow-up, the move to aftercare
  first (R9: support does not stop by itself on that day); a supervisor's recorded reason
  (the young person declines aftercare, say) lets the case close instead.
"""

from apps.cases.guards import Move, transition_guard
from apps.cases.models import CaseState
from apps.core.rules import Violations
from apps.solutions.selectors import decided_solution, has_come_of_age, implemented_solution, outstanding_follow_ups


@transition_guard("implement_solution")
def solution_decided(found: Violations, move: Move) -> None:
    found.check(decided_solution(case=move.case, at=move.at) is not None, "BID_REQUIRED.NO_DECIDED_SOLUTION")


@transition_guard("start_follow_up")
def solution_implemented(found: Violations, move: Move) -> None:
    found.check(implemented_solution(case=move.case, at=move.at) is not None, "BID_REQUIRED.SOLUTION_NOT_IMPLEMENTED")


@transition_guard("close")
def follow_ups_done(found: Violations, move: Move) -> None:
    if move.waived_by_supervisor:
        return
    outstanding = outstanding_follow_ups(case=move.case).count()
    found.check(outstanding == 0, "CLOSURE_CRITERIA_UNMET.FOLLOW_UPS_OUTSTANDING", count=outstanding)


@transition_guard("close")
def aftercare_before_closing(found: Violations, move: Move) -> None:
    if move.waived_by_supervisor or move.case.state != CaseState.FOLLOW_UP:
        return
    found.check(not has_come_of_age(child=move.case.child, at=move.at), "CLOSURE_CRITERIA_UNMET.AFTERCARE_FIRST")
