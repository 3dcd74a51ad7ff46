from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.accounts import services
from apps.accounts.models import AgencyKind, Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.cases.selectors import case_list
from apps.core.rules import RuleViolation
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.cases.factories import register

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


# --- Nobody grants themselves case data: a second person approves (ROLE_APPROVAL_REQUIRED) -------


def _codes(refused):
    return refused.value.codes


def _admin_of(agency=None):
    return MembershipFactory(role=Role.AGENCY_ADMIN, agency=agency or AgencyFactory()).user


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN, Role.PARTNER_STAFF])
def test_a_role_that_reaches_case_data_is_granted_pending_and_gives_nothing(role):
    agency = AgencyFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=UserFactory(), agency=agency, role=role)
    assert requested.is_pending
    assert not Membership.objects.active().filter(pk=requested.pk).exists()


def test_a_pending_supervisor_sees_no_case_of_the_agency():
    case = register().case
    agency = case.owning_agency
    person = UserFactory()
    services.membership_grant(actor=_admin_of(agency), user=person, agency=agency, role=Role.SUPERVISOR)
    assert case not in case_list(actor=person)


def test_an_administrator_cannot_ask_for_a_case_data_role_for_themselves():
    agency = AgencyFactory()
    admin = _admin_of(agency)
    with pytest.raises(RuleViolation) as refused:
        services.membership_grant(actor=admin, user=admin, agency=agency, role=Role.SUPERVISOR)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.SELF"]
    assert not Membership.objects.filter(user=admin, role=Role.SUPERVISOR).exists()


def test_the_grantee_cannot_approve_their_own_grant():
    agency = AgencyFactory()
    first, second = _admin_of(agency), _admin_of(agency)
    requested = services.membership_grant(actor=first, user=second, agency=agency, role=Role.SUPERVISOR)
    with pytest.raises(RuleViolation) as refused:
        services.membership_approve(actor=second, membership=requested)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.SELF"]
    assert Membership.objects.get(pk=requested.pk).is_pending


def test_the_requester_cannot_approve_what_they_asked_for():
    agency = AgencyFactory()
    admin = _admin_of(agency)
    requested = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.CASEWORKER)
    with pytest.raises(RuleViolation) as refused:
        services.membership_approve(actor=admin, membership=requested)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.SELF"]


def test_a_caseworker_or_someone_of_another_agency_cannot_approve():
    agency = AgencyFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=UserFactory(), agency=agency,
                                          role=Role.CASEWORKER)  # fmt: skip
    for outsider in (MembershipFactory(agency=agency, role=Role.CASEWORKER).user,
                     MembershipFactory(role=Role.SUPERVISOR).user):  # fmt: skip
        with pytest.raises(RuleViolation) as refused:
            services.membership_approve(actor=outsider, membership=requested)
        assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER"]


@pytest.mark.parametrize("approver_role", [Role.SUPERVISOR, Role.AGENCY_ADMIN])
def test_a_supervisor_or_another_administrator_approves_and_the_role_then_counts(approver_role):
    case = register().case
    agency = case.owning_agency
    person = UserFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=person, agency=agency, role=Role.SUPERVISOR)
    approver = MembershipFactory(agency=agency, role=approver_role).user
    approved = services.membership_approve(actor=approver, membership=requested)
    assert approved.approved_by == approver
    assert Membership.objects.active().filter(pk=requested.pk).exists()
    assert case in case_list(actor=person)


def test_a_grant_and_its_approval_are_in_the_history_and_alert_the_supervisors():
    agency = AgencyFactory()
    admin = _admin_of(agency)
    requested = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.CASEWORKER)
    to_approve = Alert.objects.filter(kind=AlertKind.ROLE_GRANT_TO_APPROVE, agency=agency)
    assert set(to_approve.values_list("role", flat=True)) == {Role.SUPERVISOR, Role.AGENCY_ADMIN}
    approver = MembershipFactory(agency=agency, role=Role.SUPERVISOR).user
    services.membership_approve(actor=approver, membership=requested)
    assert list(requested.events.values_list("kind", "actor")) == [("requested", admin.pk), ("approved", approver.pk)]
    assert Alert.objects.filter(kind=AlertKind.ROLE_GRANTED, agency=agency, role=Role.SUPERVISOR).exists()


def test_a_grant_is_approved_once():
    agency = AgencyFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=UserFactory(), agency=agency,
                                          role=Role.CASEWORKER)  # fmt: skip
    services.membership_approve(actor=_admin_of(agency), membership=requested)
    with pytest.raises(RuleViolation) as refused:
        services.membership_approve(actor=_admin_of(agency), membership=requested)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.NOT_PENDING"]


def test_a_refused_grant_never_counts_and_says_why():
    agency = AgencyFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=UserFactory(), agency=agency,
                                          role=Role.SUPERVISOR)  # fmt: skip
    approver = MembershipFactory(agency=agency, role=Role.SUPERVISOR).user
    with pytest.raises(ValidationError):
        services.membership_refuse(actor=approver, membership=requested, reason=" ")
    refused = services.membership_refuse(actor=approver, membership=requested, reason="Not on the staff list")
    assert refused.ended_at is not None
    assert not Membership.objects.active().filter(pk=requested.pk).exists()
    assert refused.events.last().note == "Not on the staff list"
    with pytest.raises(RuleViolation) as late:
        services.membership_approve(actor=approver, membership=requested)
    assert _codes(late) == ["ROLE_APPROVAL_REQUIRED.NOT_PENDING"]


def test_a_role_without_case_data_is_in_force_at_once_and_recorded():
    agency = AgencyFactory()
    admin = _admin_of(agency)
    analyst = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.ANALYST)
    assert Membership.objects.active().filter(pk=analyst.pk).exists()
    assert list(analyst.events.values_list("kind", flat=True)) == ["granted"]
    assert Alert.objects.filter(kind=AlertKind.ROLE_GRANTED, agency=agency, role=Role.SUPERVISOR).exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN, Role.PARTNER_STAFF])
def test_an_operator_grants_no_role_that_reaches_case_data(operator, role):
    agency = AgencyFactory()
    with pytest.raises(RuleViolation) as refused:
        services.membership_grant(actor=operator, user=UserFactory(), agency=agency, role=role)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.OPERATOR"]


def test_an_operator_cannot_give_themselves_a_supervisor_role(operator):
    agency = AgencyFactory()
    with pytest.raises(RuleViolation):
        services.membership_grant(actor=operator, user=operator, agency=agency, role=Role.SUPERVISOR)
    assert not Membership.objects.filter(user=operator, role=Role.SUPERVISOR).exists()


def test_an_operator_creates_the_first_administrator_only(operator):
    agency = AgencyFactory()
    first = services.membership_grant(actor=operator, user=UserFactory(), agency=agency, role=Role.AGENCY_ADMIN)
    assert Membership.objects.active().filter(pk=first.pk).exists()
    with pytest.raises(RuleViolation) as refused:
        services.membership_grant(actor=operator, user=UserFactory(), agency=agency, role=Role.AGENCY_ADMIN)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.OPERATOR"]


def test_an_operator_cannot_approve_a_grant(operator):
    agency = AgencyFactory()
    requested = services.membership_grant(actor=_admin_of(agency), user=UserFactory(), agency=agency,
                                          role=Role.CASEWORKER)  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.membership_approve(actor=operator, membership=requested)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER"]


def test_a_new_agency_with_a_single_administrator_is_approved_by_its_named_partner(operator):
    """Bootstrapping: nobody of the new agency can approve the first supervisor, so the agency
    names a partner agency whose supervisor approves (DOMAIN: a small agency may)."""
    partner = AgencyFactory()
    partner_supervisor = MembershipFactory(agency=partner, role=Role.SUPERVISOR).user
    agency = services.agency_create(actor=operator, name="Small NGO", kind=AgencyKind.NGO_SERVICE_PROVIDER,
                                    country="PT", time_zone="Europe/Lisbon")  # fmt: skip
    admin = UserFactory()
    services.membership_grant(actor=operator, user=admin, agency=agency, role=Role.AGENCY_ADMIN)
    requested = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.SUPERVISOR)
    with pytest.raises(RuleViolation):
        services.membership_approve(actor=partner_supervisor, membership=requested)
    services.agency_approver_name(actor=operator, agency=agency, approver_agency=partner)
    assert Alert.objects.filter(kind=AlertKind.ROLE_GRANT_TO_APPROVE, agency=agency).exists()
    approved = services.membership_approve(actor=partner_supervisor, membership=requested)
    assert approved.approved_by == partner_supervisor


def test_only_an_operator_names_an_approver_agency():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        services.agency_approver_name(actor=_admin_of(agency), agency=agency, approver_agency=AgencyFactory())
    with pytest.raises(ValidationError):
        services.agency_approver_name(actor=None, agency=agency, approver_agency=agency)


def test_ending_a_membership_is_in_the_history():
    membership = MembershipFactory()
    services.membership_end(actor=None, membership=membership)
    assert list(membership.events.values_list("kind", flat=True)) == ["ended"]


def test_an_administrator_made_by_another_administrator_awaits_approval():
    """Otherwise one administrator could make a second account approve what they ask for."""
    agency = AgencyFactory()
    admin = _admin_of(agency)
    puppet = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.AGENCY_ADMIN)
    assert puppet.is_pending
    requested = services.membership_grant(actor=admin, user=UserFactory(), agency=agency, role=Role.SUPERVISOR)
    with pytest.raises(RuleViolation) as refused:
        services.membership_approve(actor=puppet.user, membership=requested)
    assert _codes(refused) == ["ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER"]
    approver = MembershipFactory(agency=agency, role=Role.SUPERVISOR).user
    services.membership_approve(actor=approver, membership=puppet)
    assert Membership.objects.active().filter(pk=puppet.pk).exists()
