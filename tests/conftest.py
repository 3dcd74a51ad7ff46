import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory

hypothesis_settings.register_profile("ci", max_examples=60, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=30, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def agency(db):
    return AgencyFactory()


@pytest.fixture
def operator(db):
    return MembershipFactory(role="operator").user


@pytest.fixture
def caseworker(db):
    return MembershipFactory(role="caseworker").user


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _own_cache_namespace():
    """Each test sees an empty shared cache: Redis outlives a test's database transaction."""
    import uuid

    from django.core.cache import cache

    previous = cache.key_prefix
    cache.key_prefix = uuid.uuid4().hex
    yield
    cache.key_prefix = previous
