"""Finding a child: by any spelling of a name or alias, or by the case reference; only children
the reader may see, a name only to one who reads the identity; the query never in the address;
each name shown a logged read."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.audit.models import Channel, RecordAccess
from apps.cases.sections import Section
from apps.cases.selectors import child_find
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ReferralState, ServiceKind
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import caseworker_in, register
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

FIND = "cases:find"


@pytest.fixture
def home():
    return AgencyFactory()


@pytest.fixture
def caseworker(home):
    return make_staff(caseworker_in(home))


@pytest.fixture
def aicha(caseworker, home):
    return register(caseworker, home, given="Aïcha", family="Benali", aliases=["Shasha"], birth=date(2011, 5, 4)).case


def _names(found):
    return [child.name for child in found]


@pytest.mark.parametrize("query", ["Aisha Benali", "aicha", "Ayesha Ben Ali", "Shasha", "BENALI"])
def test_any_spelling_of_a_name_or_an_alias_finds_her(caseworker, aicha, query):
    [found] = child_find(actor=caseworker, query=query, channel=Channel.WEB)
    assert (found.case, found.name, found.aliases, found.sex) == (aicha, "Aïcha Benali", ("Shasha",), found.sex)
    today = timezone.localdate()
    assert found.age == today.year - 2011 - ((today.month, today.day) < (5, 4))


def test_the_case_reference_finds_her_in_any_letter_case(caseworker, aicha):
    assert _names(child_find(actor=caseworker, query=f"  {aicha.reference.lower()} ", channel=Channel.WEB)) == [
        "Aïcha Benali"
    ]


def test_another_agencys_caseworker_finds_her_neither_by_name_nor_by_reference(aicha):
    stranger = caseworker_in(AgencyFactory())
    assert child_find(actor=stranger, query="Aïcha Benali", channel=Channel.WEB) == []
    assert child_find(actor=stranger, query=aicha.reference, channel=Channel.WEB) == []


def _refer(case, caseworker, sections):
    partner = AgencyFactory(kind=AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    lawyer = MembershipFactory(role=Role.PARTNER_STAFF, agency=partner).user
    now = timezone.now()
    Referral.objects.create(
        case=case, kind=ReferralKind.SERVICE, service=ServiceKind.LEGAL_AID, from_agency=case.owning_agency,
        to_agency=partner, sent_by=caseworker, sent_at=now - timedelta(hours=2), legal_basis=LegalBasis.LEGAL_DUTY,
        legal_reference="Fictional Act, art. 1", sections=[str(s) for s in sections], reply_by=now + timedelta(days=2),
        state=ReferralState.ACCEPTED, accepted_at=now - timedelta(hours=1),
    )  # fmt: skip
    return lawyer


def test_a_partner_without_the_identity_finds_the_referred_case_by_reference_only_and_sees_no_name(caseworker, aicha):
    lawyer = _refer(aicha, caseworker, [Section.LEGAL])
    assert child_find(actor=lawyer, query="Aïcha Benali", channel=Channel.WEB) == []
    [found] = child_find(actor=lawyer, query=aicha.reference, channel=Channel.WEB)
    assert (found.case, found.name, found.aliases, found.age, found.sex) == (aicha, None, (), None, "")


def test_a_partner_sharing_the_identity_finds_her_by_name(caseworker, aicha):
    lawyer = _refer(aicha, caseworker, [Section.IDENTITY, Section.LEGAL])
    assert _names(child_find(actor=lawyer, query="Aisha", channel=Channel.WEB)) == ["Aïcha Benali"]


def test_each_child_shown_is_a_logged_read_of_her_case(caseworker, aicha):
    before = RecordAccess.objects.filter(case=aicha, action="search").count()
    child_find(actor=caseworker, query="Aisha", channel=Channel.WEB)
    assert (
        RecordAccess.objects.filter(case=aicha, action="search", actor=caseworker, allowed=True).count() == before + 1
    )


def test_the_page_holds_the_query_in_the_session_never_in_the_address(client, caseworker, aicha):
    client.force_login(caseworker)
    posted = client.post(reverse(FIND), {"query": "Aisha Benali"})
    assert posted.status_code == 302
    assert posted["Location"] == reverse(FIND)
    page = client.get(posted["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Aïcha Benali" in body
    assert aicha.reference in body
    assert "Aisha" not in page.wsgi_request.get_full_path()


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse(FIND))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_finding_five_children_costs_the_queries_of_finding_one(client, caseworker, home, aicha):
    client.force_login(caseworker)
    client.post(reverse(FIND), {"query": "Benali"})
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(FIND)).context["found"][0].case == aicha
    for given in ("Amina", "Fatima", "Yasmine", "Nadia"):
        register(caseworker, home, given=given, family="Benali")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(reverse(FIND)).context["found"]) == 5
    assert len(five) == len(one), "\n".join(q["sql"][:200] for q in five.captured_queries)


def test_an_anonymised_child_is_found_by_reference_only_and_shown_as_anonymised(caseworker, home, aicha):
    from apps.cases.services import child_anonymise
    from tests.cases.factories import supervisor_in

    child_anonymise(actor=supervisor_in(home), child=aicha.child)
    assert child_find(actor=caseworker, query="Aïcha Benali", channel=Channel.WEB) == []
    [found] = child_find(actor=caseworker, query=aicha.reference, channel=Channel.WEB)
    assert (found.anonymised, found.name, found.age) == (True, None, None)
