"""Who can see a case: one condition from live rows, used by every read."""

import pytest
from django.http import Http404
from django.utils import timezone

from apps.accounts import services as accounts
from apps.accounts.models import Role
from apps.audit.models import RecordAccess
from apps.cases.selectors import case_get, case_list, case_search, child_list
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory, UserFactory
from tests.cases.factories import caseworker_in, register, supervisor_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    agency = AgencyFactory()
    intake, long_term = TeamFactory(agency=agency), TeamFactory(agency=agency)
    ana = caseworker_in(agency, intake)
    case = register(ana, agency).case
    return {"agency": agency, "intake": intake, "long_term": long_term, "ana": ana, "case": case}


def test_the_assigned_caseworker_sees_the_case(world):
    assert world["case"] in case_list(actor=world["ana"])


def test_a_teammate_sees_the_case_held_by_the_team(world):
    case = world["case"]
    case.team = world["intake"]
    case.save(update_fields=["team"])
    assert case in case_list(actor=caseworker_in(world["agency"], world["intake"]))


def test_a_caseworker_of_another_team_does_not(world):
    assert world["case"] not in case_list(actor=caseworker_in(world["agency"], world["long_term"]))


def test_a_supervisor_of_the_agency_sees_every_case(world):
    assert world["case"] in case_list(actor=supervisor_in(world["agency"]))


def test_a_supervisor_of_another_agency_does_not(world):
    assert world["case"] not in case_list(actor=supervisor_in(AgencyFactory()))


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.ANALYST, Role.OPERATOR, Role.PARTNER_STAFF, Role.GUARDIAN])
def test_other_roles_of_the_agency_see_no_case_data(world, role):
    user = MembershipFactory(agency=world["agency"], role=role).user
    assert not case_list(actor=user).exists()


def test_a_superuser_with_every_permission_sees_nothing(world):
    from django.contrib.auth.models import Permission

    root = UserFactory(is_superuser=True, is_staff=True)
    root.user_permissions.set(Permission.objects.all())
    assert not case_list(actor=root).exists()
    assert not child_list(actor=root).exists()


def test_an_ended_membership_ends_the_sight_at_once(world):
    membership = world["ana"].memberships.get()
    accounts.membership_end(actor=None, membership=membership, at=timezone.now())
    assert not case_list(actor=world["ana"]).exists()


def test_a_deactivated_user_sees_nothing(world):
    world["ana"].is_active = False
    world["ana"].save()
    assert not case_list(actor=world["ana"]).exists()


def test_a_case_out_of_sight_answers_like_a_missing_one_and_the_attempt_is_logged(world):
    outsider = caseworker_in(AgencyFactory())
    with pytest.raises(Http404):
        case_get(actor=outsider, reference=world["case"].reference, channel="web")
    with pytest.raises(Http404):
        case_get(actor=outsider, reference="HVN-1999-000000", channel="web")
    denied = RecordAccess.objects.get(actor=outsider, case=world["case"])
    assert denied.allowed is False


def test_every_read_is_logged_with_its_channel(world):
    case_get(actor=world["ana"], reference=world["case"].reference, channel="api")
    entry = RecordAccess.objects.get(actor=world["ana"])
    assert (entry.case, entry.channel, entry.allowed) == (world["case"], "api", True)


def test_children_are_seen_through_their_cases(world):
    assert world["case"].child in child_list(actor=world["ana"])
    assert not child_list(actor=caseworker_in(AgencyFactory())).exists()


def test_the_list_costs_one_query_whatever_its_length(world, django_assert_num_queries):
    for _ in range(5):
        register(world["ana"], world["agency"], given="Other", family="Child")
    with django_assert_num_queries(1):
        rows = [(c.reference, c.owning_agency.name, c.assigned_caseworker.email) for c in case_list(actor=world["ana"])]
    assert len(rows) == 6


def test_a_caseworker_finds_a_child_by_a_spelling_variant(world):
    found = [case for case, _ in case_search(actor=world["ana"], name="Aicha")]
    assert found == [world["case"]]


def test_search_never_reaches_beyond_sight(world):
    outsider = caseworker_in(AgencyFactory())
    assert case_search(actor=outsider, name="Aïcha Benali") == []


def test_an_unrelated_name_finds_nothing(world):
    assert case_search(actor=world["ana"], name="Pedro Gonçalves") == []
