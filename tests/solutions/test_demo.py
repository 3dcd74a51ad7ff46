"""The demo's durable solutions: the cases beyond durable_solution reach their targets through
the real gates, once."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.cases.demo import DEMO_CHILDREN, MARKER_PREFIX, ORDER, seed_cases
from apps.cases.models import Case, CaseState
from apps.guardianship.demo import seed_guardianship
from apps.solutions.demo import seed_solutions
from apps.solutions.models import DurableSolution, FollowUpVisit, SolutionStatus, SolutionType

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_guardianship()
    return seed_solutions()


def demo_case(key):
    return Case.objects.get(police_evidence_reference=f"{MARKER_PREFIX}{key}")


def test_every_demo_case_reaches_its_target(demo):
    for child in DEMO_CHILDREN:
        assert demo_case(child.key).state == child.target
    assert demo.moved == 1 + 2 + 3 + 4


def test_each_case_beyond_durable_solution_has_its_solution(demo):
    kinds = dict(DurableSolution.objects.filter(status=SolutionStatus.IMPLEMENTED).values_list(
        "case__police_evidence_reference", "kind"))  # fmt: skip
    assert kinds == {
        f"{MARKER_PREFIX}ALV-06": SolutionType.LOCAL_INTEGRATION, f"{MARKER_PREFIX}ALV-07": SolutionType.LOCAL_INTEGRATION,
        f"{MARKER_PREFIX}ALV-08": SolutionType.RELEASE_TO_ADULT, f"{MARKER_PREFIX}ALV-09": SolutionType.RETURN,
    }  # fmt: skip
    closed = demo_case("ALV-09")
    assert not FollowUpVisit.objects.filter(case=closed, visited_at__isnull=True).exists()
    assert FollowUpVisit.objects.filter(case=demo_case("ALV-08"), visited_at__isnull=True).exists()


def test_seeding_again_creates_nothing(demo):
    assert demo.created > 0
    again = seed_solutions()
    assert (again.created, again.moved) == (0, 0)
    assert (again.solutions, again.follow_ups_done) == (demo.solutions, demo.follow_ups_done)
    assert "4 solutions" in again.describe()
    assert ORDER[-1] == CaseState.CLOSED
