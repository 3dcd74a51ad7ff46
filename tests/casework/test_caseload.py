"""My work: a caseworker's own and her team's caseloads, a supervisor's agency's; each child's
name and age beside the reference, the next deadline and the open alerts; filters, orders and
pages; nobody else has one."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import AlertKind
from apps.alerts.services import alert_raise
from apps.audit.models import RecordAccess
from apps.cases.models import Case
from apps.casework.selectors import CaseloadScope, caseload, caseload_scopes
from tests.accounts.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.alerts.test_resolution import walked_to_closed
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

WORK = "casework:caseload"


@pytest.fixture
def office():
    agency = AgencyFactory()
    team = TeamFactory(agency=agency)
    other_team = TeamFactory(agency=agency)
    return {
        "agency": agency,
        "ana": caseworker_in(agency, team),
        "rui": caseworker_in(agency, team),
        "eva": caseworker_in(agency, other_team),
        "boss": supervisor_in(agency),
    }


def _references(cases):
    return [case.reference for case in cases]


def test_each_caseload_holds_whose_cases_it_says(office):
    ana_case = register(office["ana"], office["agency"], given="Amina").case
    rui_case = register(office["rui"], office["agency"], given="Fatima").case
    eva_case = register(office["eva"], office["agency"], given="Nadia").case
    # Held by the team of the caseworker assigned to it (a supervisor's assignment).
    for case in (ana_case, rui_case, eva_case):
        Case.objects.filter(pk=case.pk).update(team=case.assigned_caseworker.memberships.get().team)
    elsewhere = register(caseworker_in(AgencyFactory()), given="Yasmine").case

    assert set(caseload(actor=office["ana"], scope=CaseloadScope.MINE)) == {ana_case}
    assert set(caseload(actor=office["ana"], scope=CaseloadScope.TEAM)) == {ana_case, rui_case}
    assert set(caseload(actor=office["boss"], scope=CaseloadScope.AGENCY)) == {ana_case, rui_case, eva_case}
    # A caseworker asking for the agency's caseload gets none of it: she supervises no agency.
    assert set(caseload(actor=office["ana"], scope=CaseloadScope.AGENCY)) == set()
    assert elsewhere not in set(caseload(actor=office["boss"], scope=CaseloadScope.AGENCY))


def test_who_has_which_caseload(office):
    guardian = MembershipFactory(role=Role.GUARDIAN, agency=AgencyFactory(kind=AgencyKind.GUARDIANSHIP_AUTHORITY)).user
    partner = MembershipFactory(role=Role.PARTNER_STAFF, agency=AgencyFactory(kind=AgencyKind.HEALTH)).user
    assert caseload_scopes(actor=office["ana"]) == [CaseloadScope.MINE, CaseloadScope.TEAM]
    assert caseload_scopes(actor=caseworker_in(AgencyFactory())) == [CaseloadScope.MINE]
    assert caseload_scopes(actor=office["boss"]) == [CaseloadScope.AGENCY]
    assert caseload_scopes(actor=guardian) == []
    assert caseload_scopes(actor=partner) == []


def test_the_next_deadline_comes_first_and_closed_cases_only_when_asked(office):
    ana, agency = office["ana"], office["agency"]
    later, sooner = register(ana, agency, given="Amina").case, register(ana, agency, given="Fatima").case
    now = timezone.now()
    for case, hours in ((later, 1000), (sooner, 1)):
        alert_raise(kind=AlertKind.CARE_PLAN_REVIEW_DUE, agency=agency, role=Role.CASEWORKER, case=case,
                    key=f"test:{case.pk}", detail="Fictional.", due_at=now - timedelta(days=3000) + timedelta(hours=hours))  # fmt: skip
    listed = list(caseload(actor=ana, scope=CaseloadScope.MINE))
    assert _references(listed[:2]) == [sooner.reference, later.reference]
    assert listed[0].open_alerts >= 1
    later = walked_to_closed(later)
    assert later not in set(caseload(actor=ana, scope=CaseloadScope.MINE))
    assert set(caseload(actor=ana, scope=CaseloadScope.MINE, states=["closed"])) == {later}


def test_the_risk_filter_and_order(office):
    ana, agency = office["ana"], office["agency"]
    low = register(ana, agency, given="Amina", risk_level=Case.RiskLevel.LOW).case
    critical = register(ana, agency, given="Fatima", risk_level=Case.RiskLevel.CRITICAL).case
    assert list(caseload(actor=ana, scope=CaseloadScope.MINE, risk="low")) == [low]
    assert list(caseload(actor=ana, scope=CaseloadScope.MINE, order="risk")) == [critical, low]


def test_the_page_shows_each_childs_name_and_age_and_logs_the_reads(client, office):
    ana = make_staff(office["ana"])
    case = register(ana, office["agency"], given="Aïcha", family="Benali", birth=date(2011, 5, 4)).case
    client.force_login(ana)
    before = RecordAccess.objects.filter(case=case, action="caseload").count()
    page = client.get(reverse(WORK))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Aïcha Benali" in body
    assert case.reference in body
    assert RecordAccess.objects.filter(case=case, action="caseload", actor=ana).count() == before + 1
    assert reverse(WORK).encode() in client.get(reverse("home")).content  # the header links to it


@pytest.mark.parametrize("role", [Role.GUARDIAN, Role.PARTNER_STAFF, Role.AGENCY_ADMIN, Role.ANALYST])
def test_nobody_else_has_a_caseload_page(client, role):
    person = MembershipFactory(role=role, agency=AgencyFactory()).user
    client.force_login(person)
    assert client.get(reverse(WORK)).status_code == 403
    assert reverse(WORK).encode() not in client.get(reverse("home")).content


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse(WORK))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_page_of_five_costs_the_queries_of_a_page_of_one(client, office):
    ana = make_staff(office["ana"])
    register(ana, office["agency"], given="Amina")
    client.force_login(ana)
    client.get(reverse(WORK))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(reverse(WORK)).context["rows"]) == 1
    for given in ("Fatima", "Yasmine", "Nadia", "Salma"):
        register(ana, office["agency"], given=given)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(reverse(WORK)).context["rows"]) == 5
    assert len(five) == len(one), "\n".join(q["sql"][:200] for q in five.captured_queries)


def test_a_long_caseload_comes_a_page_at_a_time(client, office, monkeypatch):
    from apps.casework import views

    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    ana = make_staff(office["ana"])
    for given in ("Amina", "Fatima", "Yasmine"):
        register(ana, office["agency"], given=given)
    client.force_login(ana)
    first = client.get(reverse(WORK), {"order": "reference"})
    second = client.get(reverse(WORK), {"order": "reference", "page": 2})
    shown = [case.reference for case, _child in first.context["rows"] + second.context["rows"]]
    assert len(first.context["rows"]) == 2
    assert sorted(shown) == shown
    assert len(set(shown)) == 3
