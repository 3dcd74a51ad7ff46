"""Explicit grants (django-guardian, direct foreign keys): one named person reads one case,
read-only, until the row is deleted. Superuser status and model permissions grant nothing."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import assign_perm

from apps.accounts.models import Role
from apps.cases.access import Action, cases_for, require
from apps.grants import services
from apps.grants.models import CaseGroupObjectPermission, CaseUserObjectPermission
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.cases.factories import caseworker_in, register, supervisor_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    agency = AgencyFactory()
    case = register(caseworker_in(agency), agency).case
    other = register(caseworker_in(agency), agency).case
    interpreter = MembershipFactory(role=Role.PARTNER_STAFF, agency=AgencyFactory()).user
    return {"agency": agency, "case": case, "other": other, "supervisor": supervisor_in(agency), "reader": interpreter}


def test_a_named_person_sees_that_one_case_only(w):
    services.case_read_grant(actor=w["supervisor"], case=w["case"], user=w["reader"])
    assert list(cases_for(w["reader"], Action.READ)) == [w["case"]]
    require(w["reader"], Action.READ, w["case"])
    with pytest.raises(Http404):
        require(w["reader"], Action.READ, w["other"])


@pytest.mark.parametrize("action", [Action.WORK, Action.WORK_OR_GUARD, Action.SUPERVISE, Action.GUARD])
def test_a_grant_is_read_only(w, action):
    services.case_read_grant(actor=w["supervisor"], case=w["case"], user=w["reader"])
    with pytest.raises(PermissionDenied):
        require(w["reader"], action, w["case"])


def test_a_grant_to_a_caseworker_of_the_owning_agency_is_read_only_too(w):
    # She is staff of the agency holding the case, but sees it only through the grant.
    colleague = caseworker_in(w["agency"])
    services.case_read_grant(actor=w["supervisor"], case=w["case"], user=colleague)
    require(colleague, Action.READ, w["case"])
    with pytest.raises(PermissionDenied):
        require(colleague, Action.WORK, w["case"])


def test_deleting_the_row_revokes_it_at_once(w):
    grant = services.case_read_grant(actor=w["supervisor"], case=w["case"], user=w["reader"])
    services.case_read_revoke(actor=w["supervisor"], grant=grant)
    assert not CaseUserObjectPermission.objects.exists()
    with pytest.raises(Http404):
        require(w["reader"], Action.READ, w["case"])


def test_the_grant_is_a_django_guardian_row_with_a_direct_foreign_key(w):
    # guardian's own shortcut finds the direct table, and the policy honours what it writes.
    assign_perm("cases.view_case", w["reader"], w["case"])
    assert CaseUserObjectPermission.objects.filter(user=w["reader"], content_object=w["case"]).exists()
    require(w["reader"], Action.READ, w["case"])


def test_a_grant_of_another_permission_gives_nothing(w):
    assign_perm("cases.change_case", w["reader"], w["case"])
    with pytest.raises(Http404):
        require(w["reader"], Action.READ, w["case"])


def test_the_members_of_a_group_read_the_case_granted_to_it(w):
    panel = Group.objects.create(name="Expert panel")
    w["reader"].groups.add(panel)
    grant = services.case_read_grant_to_group(actor=w["supervisor"], case=w["case"], group=panel)
    require(w["reader"], Action.READ, w["case"])
    services.case_read_revoke(actor=w["supervisor"], grant=grant)
    assert not CaseGroupObjectPermission.objects.exists()
    with pytest.raises(Http404):
        require(w["reader"], Action.READ, w["case"])


def test_only_a_supervisor_of_the_owning_agency_grants(w):
    with pytest.raises(PermissionDenied):
        services.case_read_grant(actor=w["case"].assigned_caseworker, case=w["case"], user=w["reader"])
    with pytest.raises(Http404):
        services.case_read_grant(actor=supervisor_in(AgencyFactory()), case=w["case"], user=w["reader"])
    assert not CaseUserObjectPermission.objects.exists()


def test_a_superuser_with_every_model_permission_sees_nothing(w):
    root = UserFactory(is_superuser=True, is_staff=True)
    root.user_permissions.set(Permission.objects.all())
    assert not cases_for(root, Action.READ).exists()
    with pytest.raises(Http404):
        require(root, Action.READ, w["case"])
