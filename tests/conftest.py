"""Fixtures every test module shares: an agency, staff users of each role, and clients signed
in as them (the admin opens to staff users whose roles allow it, nothing else)."""

import os

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from apps.accounts.models import Role
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


# --- Staff of each role, and clients signed in as them -------------------------------------
def make_staff(*users):
    """Let the users into the admin (`is_staff`); what they see there is still their roles'. The first is returned."""
    for person in users:
        person.is_staff = True
        person.save(update_fields=["is_staff"])
    return users[0]


def staff_in(role, agency=None, **membership):
    """A new staff user holding `role` in `agency` (a new agency when none is named)."""
    agency = agency if agency is not None else AgencyFactory()
    return make_staff(MembershipFactory(role=role, agency=agency, **membership).user)


def signed_in(person):
    """A client signed in as `person`."""
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def caseworker_staff(agency):
    return staff_in(Role.CASEWORKER, agency)


@pytest.fixture
def supervisor_staff(agency):
    return staff_in(Role.SUPERVISOR, agency)


@pytest.fixture
def guardian_staff(agency):
    return staff_in(Role.GUARDIAN, agency)


@pytest.fixture
def partner_staff(db):
    return staff_in(Role.PARTNER_STAFF)


@pytest.fixture
def agency_admin_staff(agency):
    return staff_in(Role.AGENCY_ADMIN, agency)


@pytest.fixture
def operator_staff(db):
    return staff_in(Role.OPERATOR)


@pytest.fixture
def analyst_staff(agency):
    return staff_in(Role.ANALYST, agency)


@pytest.fixture
def superuser_staff(db):
    """A superuser with no role: superuser status grants no case data."""
    return make_staff(UserFactory(is_superuser=True))


@pytest.fixture
def caseworker_client(caseworker_staff):
    return signed_in(caseworker_staff)


@pytest.fixture
def supervisor_client(supervisor_staff):
    return signed_in(supervisor_staff)


@pytest.fixture
def guardian_client(guardian_staff):
    return signed_in(guardian_staff)


@pytest.fixture
def partner_client(partner_staff):
    return signed_in(partner_staff)


@pytest.fixture
def agency_admin_client(agency_admin_staff):
    return signed_in(agency_admin_staff)


@pytest.fixture
def operator_client(operator_staff):
    return signed_in(operator_staff)


@pytest.fixture
def analyst_client(analyst_staff):
    return signed_in(analyst_staff)


@pytest.fixture
def superuser_client(superuser_staff):
    return signed_in(superuser_staff)


@pytest.fixture(autouse=True)
def _own_cache_namespace():
    """Each test sees an empty shared cache: Redis outlives a test's database transaction."""
    import uuid

    from django.core.cache import cache

    previous = cache.key_prefix
    cache.key_prefix = uuid.uuid4().hex
    yield
    cache.key_prefix = previous
