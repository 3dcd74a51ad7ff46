import pytest
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Agency, Membership, Role, User
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    user = UserFactory()
    services.membership_grant(actor=None, user=user, agency=AgencyFactory(), role=Role.OPERATOR)
    client.force_login(user)
    return client


def test_operator_sees_agencies_in_the_admin(operator_client):
    AgencyFactory(name="Visible Agency")
    response = operator_client.get(reverse("admin:accounts_agency_changelist"))
    assert response.status_code == 200
    assert "Visible Agency" in response.content.decode()


def test_staff_without_the_operator_role_sees_nothing(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_agency_changelist")).status_code == 403


def test_the_bulk_delete_action_is_gone(operator_client):
    response = operator_client.get(reverse("admin:accounts_agency_changelist"))
    assert "delete_selected" not in response.content.decode()


def test_nothing_can_be_deleted_from_the_admin(operator_client):
    agency = AgencyFactory()
    response = operator_client.post(reverse("admin:accounts_agency_delete", args=[agency.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Agency.objects.filter(pk=agency.pk).exists()


def test_adding_an_agency_goes_through_the_service(operator_client):
    response = operator_client.post(
        reverse("admin:accounts_agency_add"),
        {
            "name": "Admin Agency",
            "kind": "police",
            "country": "ES",
            "jurisdiction": "",
            "time_zone": "Europe/Madrid",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Agency.objects.get(name="Admin Agency").country == "ES"


def test_an_unknown_time_zone_is_shown_as_a_form_error(operator_client):
    response = operator_client.post(
        reverse("admin:accounts_agency_add"),
        {"name": "Bad Zone", "kind": "police", "country": "ES", "time_zone": "Nowhere/Place", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()


def test_adding_a_user_gives_them_no_password_until_they_reset_it(operator_client):
    response = operator_client.post(
        reverse("admin:accounts_user_add"), {"email": "New@Example.test", "full_name": "New Person"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.test")
    assert not user.has_usable_password()


def test_granting_a_membership_in_the_admin_uses_the_service(operator_client):
    user, agency = UserFactory(), AgencyFactory()
    response = operator_client.post(
        reverse("admin:accounts_membership_add"),
        {
            "user": user.pk,
            "agency": agency.pk,
            "role": "operator",
            "started_at_0": "2026-01-01",
            "started_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_staff, "the service, not a bare save, opened the admin for the new operator"


def test_ending_memberships_from_the_admin(operator_client):
    membership = MembershipFactory()
    operator_client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "end_memberships", "_selected_action": [membership.pk]},
    )
    membership.refresh_from_db()
    assert membership.ended_at is not None


def test_a_membership_once_granted_cannot_be_rewritten(operator_client):
    membership = MembershipFactory(role=Role.CASEWORKER)
    operator_client.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {"user": membership.user.pk, "agency": membership.agency.pk, "role": "supervisor"},
    )
    assert Membership.objects.get(pk=membership.pk).role == Role.CASEWORKER


# --- Role grants and their approval in the admin (ROLE_APPROVAL_REQUIRED) ------------------------
def _grant_form(user, agency, role):
    return {"user": user.pk, "agency": agency.pk, "role": role, "started_at_0": "2026-01-01",
            "started_at_1": "10:00:00", "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}  # fmt: skip


def _signed_in(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_an_operator_cannot_grant_a_supervisor_role_in_the_admin(operator_client):
    user, agency = UserFactory(), AgencyFactory()
    response = operator_client.post(reverse("admin:accounts_membership_add"), _grant_form(user, agency, "supervisor"))
    assert response.status_code == 200
    assert "ROLE_APPROVAL_REQUIRED.OPERATOR" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_an_operator_creates_the_first_administrator_in_the_admin(operator_client):
    user, agency = UserFactory(), AgencyFactory()
    response = operator_client.post(reverse("admin:accounts_membership_add"), _grant_form(user, agency, "agency_admin"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.active().filter(user=user, role=Role.AGENCY_ADMIN).exists()


def test_an_agency_admin_asks_for_a_role_in_the_admin_and_it_awaits_approval(client):
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    person = UserFactory()
    client = _signed_in(client, admin.user)
    response = client.post(reverse("admin:accounts_membership_add"), _grant_form(person, admin.agency, "caseworker"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(user=person).is_pending


def test_an_agency_admin_cannot_give_themselves_the_supervisor_role_in_the_admin(client):
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    client = _signed_in(client, admin.user)
    response = client.post(reverse("admin:accounts_membership_add"),
                           _grant_form(admin.user, admin.agency, "supervisor"))  # fmt: skip
    assert response.status_code == 200
    assert "ROLE_APPROVAL_REQUIRED.SELF" in response.content.decode()
    assert not Membership.objects.filter(user=admin.user, role=Role.SUPERVISOR).exists()


def _pending(agency):
    asker = MembershipFactory(role=Role.AGENCY_ADMIN, agency=agency).user
    return services.membership_grant(actor=asker, user=UserFactory(), agency=agency, role=Role.SUPERVISOR)


def test_a_supervisor_approves_a_grant_in_the_admin(client):
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    requested = _pending(supervisor.agency)
    client = _signed_in(client, supervisor.user)
    client.post(reverse("admin:accounts_membership_changelist"),
                {"action": "approve_memberships", "_selected_action": [requested.pk]})  # fmt: skip
    requested.refresh_from_db()
    assert requested.approved_by == supervisor.user


def test_the_grantee_cannot_approve_their_own_grant_in_the_admin(client):
    agency = AgencyFactory()
    requested = _pending(agency)
    # The grantee is also an administrator of the agency: still not their own approver.
    MembershipFactory(user=requested.user, role=Role.AGENCY_ADMIN, agency=agency)
    client = _signed_in(client, requested.user)
    response = client.post(reverse("admin:accounts_membership_changelist"),
                           {"action": "approve_memberships", "_selected_action": [requested.pk]}, follow=True)  # fmt: skip
    assert "ROLE_APPROVAL_REQUIRED.SELF" in response.content.decode()
    assert Membership.objects.get(pk=requested.pk).is_pending


def test_an_operator_cannot_approve_a_grant_in_the_admin(operator_client):
    requested = _pending(AgencyFactory())
    response = operator_client.post(reverse("admin:accounts_membership_changelist"),
                                    {"action": "approve_memberships", "_selected_action": [requested.pk]},
                                    follow=True)  # fmt: skip
    assert "ROLE_APPROVAL_REQUIRED.NOT_AN_APPROVER" in response.content.decode()
    assert Membership.objects.get(pk=requested.pk).is_pending


def test_a_supervisor_refuses_a_grant_in_the_admin(client):
    supervisor = MembershipFactory(role=Role.SUPERVISOR)
    requested = _pending(supervisor.agency)
    client = _signed_in(client, supervisor.user)
    client.post(reverse("admin:accounts_membership_changelist"),
                {"action": "refuse_memberships", "_selected_action": [requested.pk]})  # fmt: skip
    requested.refresh_from_db()
    assert requested.ended_at is not None
    assert requested.approved_at is None


def test_an_agency_admin_sees_only_their_agencys_memberships(client):
    admin = MembershipFactory(role=Role.AGENCY_ADMIN)
    other = MembershipFactory(role=Role.CASEWORKER)
    client = _signed_in(client, admin.user)
    response = client.get(reverse("admin:accounts_membership_changelist"))
    assert response.status_code == 200
    assert str(other.user) not in response.content.decode()
    assert client.get(reverse("admin:accounts_membership_change", args=[other.pk])).status_code in {302, 403, 404}
