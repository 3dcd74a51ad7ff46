from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import AgencyKind, Membership, Role, User
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_operator_creates_an_agency_with_its_country_and_zone(operator):
    agency = services.agency_create(
        actor=operator,
        name="Northfield Child Protection",
        kind=AgencyKind.CHILD_PROTECTION,
        country="pt",
        time_zone="Europe/Lisbon",
        jurisdiction="Northfield",
    )
    assert agency.country == "PT"
    assert agency.htcds_org_type == "LocalGovernmentOrganisation"


def test_an_unknown_time_zone_is_refused(operator):
    with pytest.raises(ValidationError):
        services.agency_create(actor=operator, name="X", kind=AgencyKind.POLICE, country="PT", time_zone="Mars/Olympus")


def test_a_country_that_is_not_an_iso_code_is_refused(operator):
    with pytest.raises(ValidationError):
        services.agency_create(actor=operator, name="X", kind=AgencyKind.POLICE, country="P1", time_zone="UTC")


def test_a_caseworker_cannot_create_an_agency(caseworker):
    with pytest.raises(PermissionDenied):
        services.agency_create(actor=caseworker, name="X", kind=AgencyKind.POLICE, country="PT", time_zone="UTC")


def test_agency_admin_adds_a_user_and_a_team_to_their_own_agency():
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    user = services.user_create(
        actor=admin.user, email="New.Person@Example.TEST", full_name="New Person", agency=admin.agency
    )
    team = services.team_create(actor=admin.user, agency=admin.agency, name="Intake")
    membership = services.membership_grant(
        actor=admin.user, user=user, agency=admin.agency, role=Role.CASEWORKER, team=team
    )
    assert user.email == "new.person@example.test"
    assert not user.has_usable_password()  # chooses one through the reset e-mail
    assert membership.team == team


def test_agency_admin_cannot_manage_another_agency():
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    other = AgencyFactory()
    with pytest.raises(PermissionDenied):
        services.team_create(actor=admin.user, agency=other, name="Intake")
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=admin.user, user=UserFactory(), agency=other, role=Role.CASEWORKER)


def test_agency_admin_cannot_make_an_operator():
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=admin.user, user=UserFactory(), agency=admin.agency, role=Role.OPERATOR)


def test_a_team_of_another_agency_is_refused_by_the_service():
    agency, team = AgencyFactory(), TeamFactory()
    with pytest.raises(ValidationError):
        services.membership_grant(actor=None, user=UserFactory(), agency=agency, role=Role.CASEWORKER, team=team)


def test_a_team_of_another_agency_is_refused_by_the_database():
    membership = MembershipFactory()
    foreign_team = TeamFactory()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_membership SET team_id = %s WHERE id = %s", [foreign_team.pk, membership.pk])


def test_the_same_open_role_twice_is_refused():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, agency=membership.agency, role=membership.role)


def test_operator_role_opens_the_admin_and_ending_it_closes_it(operator):
    user = UserFactory()
    membership = services.membership_grant(actor=operator, user=user, agency=AgencyFactory(), role=Role.OPERATOR)
    user.refresh_from_db()
    assert user.is_staff
    services.membership_end(actor=operator, membership=membership)
    user.refresh_from_db()
    assert not user.is_staff
    assert membership.ended_at is not None


def test_ended_membership_is_no_longer_active():
    membership = MembershipFactory(started_at=timezone.now() - timedelta(days=30))
    ended_at = timezone.now()
    services.membership_end(actor=None, membership=membership, at=ended_at)
    assert Membership.objects.active(at=ended_at - timedelta(seconds=1)).filter(pk=membership.pk).exists()
    assert not Membership.objects.active(at=ended_at).filter(pk=membership.pk).exists()


def test_emails_are_unique_whatever_their_case():
    services.user_create(actor=None, email="same@example.test", full_name="A")
    with pytest.raises(ValidationError):
        services.user_create(actor=None, email="SAME@example.test", full_name="B")


def test_the_database_refuses_an_upper_case_email():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="Upper@Example.test", full_name="U")])


def test_superuser_creation_for_the_installer():
    user = User.objects.create_superuser("root@example.test", "a long installer password", full_name="Root")
    assert user.is_superuser
    assert user.is_staff
