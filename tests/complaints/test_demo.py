"""The demo's complaints: made through the services, once; the named caseworker never sees theirs."""

import pytest

from apps.accounts.demo import DEMO_DOMAIN, seed_accounts
from apps.accounts.models import User
from apps.cases.demo import seed_cases
from apps.complaints.demo import seed_complaints
from apps.complaints.selectors import complaint_list
from apps.guardianship.demo import seed_guardianship

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    seed_accounts()
    seed_cases()
    seed_guardianship()
    return seed_complaints()


def test_the_demo_holds_an_answered_complaint_and_one_under_review(demo):
    assert (demo.complaints, demo.answered) == (2, 1)
    tomas = User.objects.get(email=f"tomas.neves@{DEMO_DOMAIN}")
    assert complaint_list(actor=tomas).count() == 1  # the one he recorded, not the one naming him


def test_seeding_again_creates_nothing(demo):
    assert demo.created == 2
    again = seed_complaints()
    assert (again.created, again.complaints) == (0, 2)
    assert "2 complaints" in again.describe()
