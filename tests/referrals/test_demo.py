"""The referrals demo: one referral in each state, through the services, and idempotent."""

import pytest

from apps.accounts.demo import seed_accounts
from apps.cases.demo import seed_cases
from apps.referrals.demo import seed_referrals
from apps.referrals.models import Referral, ReferralState

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_referral_in_each_state_and_a_second_run_changes_nothing():
    seed_accounts()
    seed_cases()
    first = seed_referrals()
    assert first.created == len(ReferralState.values)
    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values)
    again = seed_referrals()
    assert again.created == 0
    assert Referral.objects.count() == first.total
