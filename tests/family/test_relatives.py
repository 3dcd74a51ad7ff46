"""Relatives, their verification and family assessments; what a release to them needs (R4)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from apps.core.rules import RuleViolation, Violations
from apps.family import rules, services
from apps.family.models import (
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    RelationshipMethod,
    Relative,
)
from apps.family.selectors import family_assessment_for
from apps.guardianship.models import DecisionKind, GuardianAppointment, GuardianOpinion
from tests.cases.sealed import stored
from tests.family.factories import assessed, case_with_staff, guardian_for, relative_of, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


def _codes(relative, *, at=None, subject=None):
    found = Violations()
    rules.release_verified(found, relative=relative, at=at or timezone.now(), subject=subject)
    try:
        found.raise_if_any()
    except RuleViolation as refusal:
        return refusal.codes
    return []


# --- Recording and verifying ---------------------------------------------------------------------
def test_a_relative_is_recorded_with_names_and_whereabouts_sealed(case, caseworker):
    mother = relative_of(case, caseworker)
    assert mother.is_parent
    assert mother.names != b"Khadija Benali"
    assert stored(mother, "names") == "Khadija Benali"
    assert stored(mother, "whereabouts") == "Tangier, old medina"
    assert not mother.identity_verified
    assert not mother.relationship_verified


def test_an_aunt_or_another_adult_is_not_a_parent(case, caseworker):
    assert not relative_of(case, caseworker, relationship=Relationship.AUNT_OR_UNCLE).is_parent
    assert not relative_of(case, caseworker, relationship=Relationship.OTHER_ADULT, names="Neighbour").is_parent


def test_a_suspected_link_needs_its_reason(case, caseworker):
    with pytest.raises(ValidationError) as refused:
        relative_of(case, caseworker, relationship=Relationship.AUNT_OR_UNCLE, suspected_link=True)
    assert "suspected_link_note" in refused.value.message_dict


def test_identity_verification_records_who_when_and_how(case, caseworker):
    mother = relative_of(case, caseworker)
    moment = timezone.now() - timedelta(hours=2)
    services.relative_identity_verify(actor=caseworker, relative=mother, method=IdentityMethod.IDENTITY_DOCUMENT,
                                      note="Passport MA-000 seen", at=moment)  # fmt: skip
    mother.refresh_from_db()
    assert (mother.identity_verified_at, mother.identity_verified_by, mother.identity_method) == (
        moment, caseworker, IdentityMethod.IDENTITY_DOCUMENT)  # fmt: skip
    assert stored(mother, "identity_note") == "Passport MA-000 seen"


def test_a_verification_is_recorded_once_and_needs_what_it_rests_on(case, caseworker):
    mother = relative_of(case, caseworker)
    with pytest.raises(ValidationError):
        services.relative_relationship_verify(actor=caseworker, relative=mother, method=RelationshipMethod.DNA, note="")
    services.relative_relationship_verify(actor=caseworker, relative=mother, method=RelationshipMethod.DNA,
                                          note="DNA match, lab ref 12")  # fmt: skip
    with pytest.raises(ValidationError):
        services.relative_relationship_verify(actor=caseworker, relative=mother,
                                              method=RelationshipMethod.CONSISTENT_ACCOUNTS, note="Again")  # fmt: skip
    assert Relative.objects.get().relationship_method == RelationshipMethod.DNA


def test_a_caseworker_of_another_agency_gets_a_404(case, caseworker):
    mother = relative_of(case, caseworker)
    _other, stranger, _boss = case_with_staff()
    with pytest.raises(Http404):
        services.relative_identity_verify(actor=stranger, relative=mother, method=IdentityMethod.BIOMETRICS, note="x")


def test_the_guardian_sees_the_case_but_does_not_verify(case, caseworker):
    guardian = guardian_for(case)
    mother = relative_of(case, caseworker)
    with pytest.raises(PermissionDenied):
        services.relative_identity_verify(actor=guardian, relative=mother, method=IdentityMethod.BIOMETRICS, note="x")


# --- Family assessments --------------------------------------------------------------------------
def test_a_family_assessment_must_state_whether_it_covers_links_to_the_exploitation(case, caseworker):
    mother = relative_of(case, caseworker)
    with pytest.raises(ValidationError) as refused:
        assessed(mother, caseworker, covers_exploitation_links=None)
    assert "covers_exploitation_links" in refused.value.message_dict


def test_covering_the_links_needs_the_findings(case, caseworker):
    mother = relative_of(case, caseworker)
    with pytest.raises(ValidationError) as refused:
        assessed(mother, caseworker, exploitation_links_findings=" ")
    assert "exploitation_links_findings" in refused.value.message_dict


def test_a_suspected_trafficker_cannot_be_assessed_without_covering_the_links(case, caseworker):
    uncle = relative_of(case, caseworker, relationship=Relationship.AUNT_OR_UNCLE, suspected_link=True,
                        suspected_link_note="The child says he sold her to the recruiter")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        assessed(uncle, caseworker, covers_exploitation_links=False)
    assert "must cover it" in str(refused.value)


def test_suitable_with_support_names_the_support(case, caseworker):
    mother = relative_of(case, caseworker)
    with pytest.raises(ValidationError):
        assessed(mother, caseworker, conclusion=FamilyConclusion.SUITABLE_WITH_SUPPORT)
    done = assessed(mother, caseworker, conclusion=FamilyConclusion.SUITABLE_WITH_SUPPORT,
                    support_needed="Cash transfer for six months")  # fmt: skip
    assert stored(done, "support_needed") == "Cash transfer for six months"


def test_the_latest_completed_assessment_is_the_one_for_the_relative(case, caseworker):
    mother = relative_of(case, caseworker)
    now = timezone.now()
    assessed(mother, caseworker, conclusion=FamilyConclusion.NOT_SUITABLE, completed_at=now - timedelta(days=30))
    later = assessed(mother, caseworker, completed_at=now - timedelta(days=2))
    assert family_assessment_for(relative=mother, at=now) == later
    assert family_assessment_for(relative=mother, at=now - timedelta(days=10)).conclusion == "not_suitable"
    assert family_assessment_for(relative=mother, at=now - timedelta(days=40)) is None


# --- RELEASE_REQUIRES_VERIFICATION ---------------------------------------------------------------
def test_a_release_to_an_unverified_relative_lists_everything_missing(case, caseworker):
    mother = relative_of(case, caseworker)
    assert _codes(mother) == ["RELEASE_REQUIRES_VERIFICATION.IDENTITY", "RELEASE_REQUIRES_VERIFICATION.RELATIONSHIP",
                              "RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT"]  # fmt: skip


def test_a_release_to_a_verified_and_assessed_relative_is_allowed(case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker)
    assert _codes(mother) == []


def test_an_assessment_that_does_not_cover_the_links_does_not_allow_a_release(case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker, covers_exploitation_links=False)
    assert _codes(mother) == ["RELEASE_REQUIRES_VERIFICATION.FAMILY_ASSESSMENT"]


def test_a_family_found_not_suitable_does_not_allow_a_release(case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker, conclusion=FamilyConclusion.NOT_SUITABLE)
    assert _codes(mother) == ["RELEASE_REQUIRES_VERIFICATION.NOT_SUITABLE"]


def test_a_suspected_link_refuses_a_release_until_cleared(case, caseworker):
    uncle = relative_of(case, caseworker, relationship=Relationship.AUNT_OR_UNCLE, suspected_link=True,
                        suspected_link_note="Drove the van")  # fmt: skip
    uncle = verified(uncle, caseworker)
    assessed(uncle, caseworker)
    assert _codes(uncle) == ["RELEASE_REQUIRES_VERIFICATION.SUSPECTED_LINK"]
    services.relative_suspected_link_set(actor=caseworker, relative=uncle, suspected=False,
                                         note="Police confirm another man drove the van")  # fmt: skip
    uncle.refresh_from_db()
    assert _codes(uncle) == []


def test_a_verification_after_the_release_moment_does_not_count(case, caseworker):
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker)
    assert "RELEASE_REQUIRES_VERIFICATION.IDENTITY" in _codes(mother, at=timezone.now() - timedelta(days=1))


def test_a_release_decision_needs_the_guardians_opinion_then_allows(case, caseworker):
    guardian_for(case)
    mother = verified(relative_of(case, caseworker), caseworker)
    assessed(mother, caseworker)
    assert _codes(mother, subject="release-7") == ["RELEASE_REQUIRES_VERIFICATION.GUARDIAN_OPINION"]
    GuardianOpinion.objects.create(case=case, appointment=GuardianAppointment.objects.get(case=case),
                                   decision=DecisionKind.RELEASE_TO_ADULT, subject="release-7", agrees=True)  # fmt: skip
    assert _codes(mother, subject="release-7") == []
