import pytest

from apps.cases.services import case_transition, child_identity
from tests.cases.factories import register

pytestmark = pytest.mark.django_db


def test_smoke():
    reg = register()
    case = reg.case
    assert case.reference.startswith("HVN-")
    assert child_identity(case.child).given_names == "Aïcha"
    moved = case_transition(
        actor=case.registered_by,
        case=case,
        transition="start_protection",
        expected_version=case.version,
        reason="placed",
    )
    assert moved.state == "protection"
    assert moved.version == case.version + 1
