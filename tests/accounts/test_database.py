"""Role grants held by the database: raw SQL as the application role cannot approve a grant
for the grantee or by its requester, rewrite an approval, or rewrite the history."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from apps.accounts import services
from apps.accounts.models import Membership, MembershipEvent, Role
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list[Any]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def requested():
    agency = AgencyFactory()
    asker = MembershipFactory(role=Role.AGENCY_ADMIN, agency=agency).user
    return services.membership_grant(actor=asker, user=UserFactory(), agency=agency, role=Role.SUPERVISOR)


def test_raw_sql_cannot_approve_a_grant_for_its_grantee(requested):
    _refused("UPDATE accounts_membership SET approved_at = now(), approved_by_id = user_id WHERE id = %s",
             [requested.pk])  # fmt: skip
    assert Membership.objects.get(pk=requested.pk).is_pending


def test_raw_sql_cannot_approve_a_grant_by_its_requester(requested):
    _refused("UPDATE accounts_membership SET approved_at = now(), approved_by_id = requested_by_id WHERE id = %s",
             [requested.pk])  # fmt: skip


def test_raw_sql_cannot_approve_a_grant_without_naming_the_approver(requested):
    _refused("UPDATE accounts_membership SET approved_at = now() WHERE id = %s", [requested.pk])
    assert Membership.objects.get(pk=requested.pk).is_pending


def test_raw_sql_cannot_change_the_role_or_the_approver_once_approved(requested):
    approver = MembershipFactory(role=Role.SUPERVISOR, agency=requested.agency).user
    services.membership_approve(actor=approver, membership=requested)
    _refused("UPDATE accounts_membership SET role = 'guardian' WHERE id = %s", [requested.pk])
    _refused("UPDATE accounts_membership SET approved_by_id = NULL, approved_at = NULL WHERE id = %s", [requested.pk])
    assert Membership.objects.get(pk=requested.pk).approved_by == approver


def test_the_history_of_a_grant_is_never_rewritten(requested):
    event = MembershipEvent.objects.get(membership=requested)
    _refused("UPDATE accounts_membershipevent SET actor_id = NULL WHERE id = %s", [event.pk])
    _refused("DELETE FROM accounts_membershipevent WHERE id = %s", [event.pk])
    _refused("ALTER TABLE accounts_membershipevent DISABLE TRIGGER accounts_membershipevent_append_only", [])


def test_a_second_person_approves_through_raw_sql_too(requested):
    approver = MembershipFactory(role=Role.SUPERVISOR, agency=requested.agency).user
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_membership SET approved_at = now(), approved_by_id = %s WHERE id = %s",
                       [approver.pk, requested.pk])  # fmt: skip
    assert Membership.objects.active().filter(pk=requested.pk).exists()
