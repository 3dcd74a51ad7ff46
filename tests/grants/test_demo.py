"""The demo's break-glass reading with its review, made through the services, once."""

import pytest

from apps.core.demo import seed_demo_world
from apps.grants.demo import seed_grants
from apps.grants.models import BreakGlass, CaseUserObjectPermission

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_reviewed_break_glass_reading_and_a_grant_and_a_second_run_adds_nothing():
    seed_demo_world()
    opening = BreakGlass.objects.get()
    assert opening.reviewed_at is not None
    assert opening.reviewed_at >= opening.review_due_at
    assert CaseUserObjectPermission.objects.get().user.email.startswith("carla.mendes@")
    again = seed_grants()
    assert (again.created, again.readings, again.reviewed, again.grants) == (0, 1, 1, 1)
    assert BreakGlass.objects.count() == 1
