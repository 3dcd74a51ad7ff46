"""A partner agency reads a referred case only in the sections its referral shares, only while
the referral gives access: in the access policy, in every record list, and on the case's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.care.models import Placement
from apps.cases.access import ALL_SECTIONS, Action, cases_for, readable_sections, require
from apps.cases.models import Document
from apps.cases.reading import visible_records
from apps.cases.sections import Section
from apps.referrals.models import LegalBasis, Referral, ReferralKind, ReferralState, ServiceKind
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import caseworker_in, register

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def world():
    home = AgencyFactory()
    caseworker = staff(caseworker_in(home))
    case = register(caseworker, home, identification_method="police").case
    legal_aid = AgencyFactory(kind=AgencyKind.LEGAL_AID, country=home.country)
    lawyer = staff(MembershipFactory(role=Role.PARTNER_STAFF, agency=legal_aid).user)
    return {"home": home, "caseworker": caseworker, "case": case, "legal_aid": legal_aid, "lawyer": lawyer}


def refer(world, *, sections, accepted=True, at=None, **times):
    at = at or timezone.now()
    return Referral.objects.create(
        case=world["case"],
        kind=ReferralKind.SERVICE,
        service=ServiceKind.LEGAL_AID,
        from_agency=world["home"],
        to_agency=world["legal_aid"],
        sent_by=world["caseworker"],
        sent_at=at - 2 * HOUR,
        legal_basis=LegalBasis.LEGAL_DUTY,
        legal_reference="Fictional Act, art. 1",
        sections=[str(s) for s in sections],
        reply_by=at + 48 * HOUR,
        state=ReferralState.ACCEPTED if accepted else ReferralState.SENT,
        accepted_at=at - HOUR if accepted else None,
        **times,
    )


def test_a_partner_sees_nothing_before_a_referral_is_accepted(world):
    refer(world, sections=[Section.IDENTITY, Section.LEGAL], accepted=False)
    lawyer, case = world["lawyer"], world["case"]
    assert not cases_for(lawyer, Action.READ).filter(pk=case.pk).exists()
    assert readable_sections(lawyer, case) == frozenset()


def test_a_partner_reads_the_shared_sections_only_and_acts_on_nothing(world):
    refer(world, sections=[Section.IDENTITY, Section.LEGAL])
    lawyer, case = world["lawyer"], world["case"]
    assert cases_for(lawyer, Action.READ).filter(pk=case.pk).exists()
    require(lawyer, Action.READ, case)
    assert readable_sections(lawyer, case) == {Section.RECORD, Section.IDENTITY, Section.LEGAL}
    from django.core.exceptions import PermissionDenied

    for action in (Action.WORK, Action.WORK_OR_GUARD, Action.SUPERVISE):
        with pytest.raises(PermissionDenied):
            require(lawyer, action, case)
        assert not cases_for(lawyer, action).filter(pk=case.pk).exists()
    # Those who hold the case read all of it.
    assert readable_sections(world["caseworker"], case) == ALL_SECTIONS


def test_records_of_unshared_sections_stay_hidden(world):
    refer(world, sections=[Section.IDENTITY, Section.LEGAL])
    lawyer, case = world["lawyer"], world["case"]
    for kind in (Document.Kind.LEGAL_DOCUMENT, Document.Kind.MEDICAL_REPORT):
        Document.objects.create(
            case=case, kind=kind, size=1, storage_name=kind, no_abuse_images=True, uploaded_by=world["caseworker"]
        )
    kinds = set(visible_records(Document.objects.all(), actor=lawyer).values_list("kind", flat=True))
    assert kinds == {Document.Kind.LEGAL_DOCUMENT}
    assert not visible_records(Placement.objects.filter(case=case), actor=lawyer).exists()
    everything = set(visible_records(Document.objects.all(), actor=world["caseworker"]).values_list("kind", flat=True))
    assert everything == {Document.Kind.LEGAL_DOCUMENT, Document.Kind.MEDICAL_REPORT}


@pytest.mark.parametrize("ending", ["revoked", "completed", "expired"])
def test_partner_access_ends_the_second_the_referral_ends(world, ending):
    now = timezone.now()
    if ending == "expired":
        refer(world, sections=[Section.LEGAL], at=now, expires_at=now + HOUR)
    else:
        referral = refer(world, sections=[Section.LEGAL], at=now)
        Referral.objects.filter(pk=referral.pk).update(
            state=ReferralState.REVOKED if ending == "revoked" else ReferralState.COMPLETED,
            ended_at=now + HOUR,
            **({"revoked_at": now + HOUR, "revoke_reason": b"x"} if ending == "revoked" else {}),
            **({"completed_at": now + HOUR} if ending == "completed" else {}),
        )
    lawyer, case = world["lawyer"], world["case"]
    just_before, the_second = now + HOUR - timedelta(seconds=1), now + HOUR
    assert cases_for(lawyer, Action.READ, at=just_before).filter(pk=case.pk).exists()
    assert Section.LEGAL in readable_sections(lawyer, case, at=just_before)
    assert not cases_for(lawyer, Action.READ, at=the_second).filter(pk=case.pk).exists()
    assert readable_sections(lawyer, case, at=the_second) == frozenset()


def test_someone_of_the_partner_agency_without_a_receiving_role_sees_nothing(world):
    refer(world, sections=[Section.IDENTITY])
    analyst = MembershipFactory(role=Role.ANALYST, agency=world["legal_aid"]).user
    assert not cases_for(analyst, Action.READ).filter(pk=world["case"].pk).exists()


def test_the_case_page_shows_a_partner_only_the_shared_sections(world, client):
    refer(world, sections=[Section.IDENTITY, Section.LEGAL])
    case = world["case"]
    client.force_login(world["lawyer"])
    url = reverse("admin:cases_case_change", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aïcha" in body  # identity is shared
    assert case.reference in body
    assert "Rua das Flores" not in body  # the address (contacts section) is not
    assert 'name="identification_method"' not in body  # nothing to edit
    # No save: the page is read-only for a partner.
    assert client.post(url, {"reference": case.reference}).status_code == 403


def test_the_case_page_without_identity_never_opens_the_name(world, client):
    refer(world, sections=[Section.LEGAL])
    client.force_login(world["lawyer"])
    body = client.get(reverse("admin:cases_case_change", args=[world["case"].pk])).content.decode()
    assert "Aïcha" not in body
    assert "Benali" not in body


def test_a_revoked_referral_leaves_a_404_on_the_case_page(world, client):
    referral = refer(world, sections=[Section.IDENTITY])
    now = timezone.now()
    Referral.objects.filter(pk=referral.pk).update(
        state=ReferralState.REVOKED, ended_at=now, revoked_at=now, revoke_reason=b"x"
    )
    client.force_login(world["lawyer"])
    assert client.get(reverse("admin:cases_case_change", args=[world["case"].pk])).status_code == 404


def test_a_partner_reading_a_case_changes_nothing_in_it(world):
    """Reading through a referral opens no write: every service that acts on the case refuses
    with 403 (the case is in sight, the role may not), as the access policy answers."""
    from django.core.exceptions import PermissionDenied

    from apps.cases import services

    refer(world, sections=list(Section))
    lawyer, case = world["lawyer"], world["case"]
    with pytest.raises(PermissionDenied):
        services.child_facts_update(actor=lawyer, case=case, facts={"sex": "female"})
    with pytest.raises(PermissionDenied):
        services.document_attach(
            actor=lawyer, case=case, kind=Document.Kind.LEGAL_DOCUMENT, filename="a.pdf",
            content=b"%PDF-1.4 fictional", no_abuse_images=True,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.case_details_update(
            actor=lawyer, case=case, expected_version=case.version, facts={"risk_level": "high"}
        )
    assert not Document.objects.filter(case=case).exists()


def test_a_partner_downloads_only_the_document_kinds_its_referral_shares(world, client):
    """The download answers by the document's kind: a legal aid lawyer sharing legal and
    identity opens the court document, not the medical report of the same case."""
    from apps.cases import services
    from apps.cases.sections import document_section

    caseworker, case = world["caseworker"], world["case"]
    pdf = b"%PDF-1.4 fictional"
    kinds = {Document.Kind.LEGAL_DOCUMENT: Section.LEGAL, Document.Kind.MEDICAL_REPORT: Section.HEALTH}
    assert {kind: document_section(kind) for kind in kinds} == kinds
    documents = {
        kind: services.document_attach(
            actor=caseworker, case=case, kind=kind, filename="a.pdf", content=pdf, no_abuse_images=True
        )
        for kind in kinds
    }
    refer(world, sections=[Section.IDENTITY, Section.LEGAL])
    client.force_login(world["lawyer"])
    answers = {
        kind: client.get(reverse("cases:document_download", args=[document.pk])).status_code
        for kind, document in documents.items()
    }
    assert answers == {Document.Kind.LEGAL_DOCUMENT: 200, Document.Kind.MEDICAL_REPORT: 404}


@pytest.mark.parametrize(("sections", "found"), [([Section.HEALTH], False), ([Section.IDENTITY, Section.HEALTH], True)])
def test_a_partner_finds_a_child_by_name_only_when_its_referral_shares_the_identity(world, sections, found):
    """A match by name would tell the partner the child's name: without the identity section
    the search answers as for a child it does not know."""
    from apps.cases.selectors import case_search

    refer(world, sections=sections)
    lawyer, case = world["lawyer"], world["case"]
    assert cases_for(lawyer, Action.READ).filter(pk=case.pk).exists()  # it reads the case either way
    assert [c for c, _score in case_search(actor=lawyer, name="Aïcha Benali")] == ([case] if found else [])
