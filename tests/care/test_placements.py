"""R3 — placements through the services: never detained, family first, tied children together."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import AgencyKind, Role
from apps.care.models import ChildTie, HeldPlace, Placement, PlacementKind, TieKind
from apps.care.rules import looks_like_custody
from apps.care.selectors import care_provider_agency_ids, placement_address
from apps.care.services import child_tie_record, placement_end, placement_record
from apps.core.rules import RuleViolation
from apps.voice.models import ViewsDecision
from tests.accounts.factories import AgencyFactory, MembershipFactory
from tests.care.factories import case_with_staff, guardian_for
from tests.cases.factories import register
from tests.cases.sealed import stored
from tests.voice.factories import heard

pytestmark = pytest.mark.django_db
NOW = timezone.now()

DETENTION_KINDS = [
    "immigration_detention",
    "police_custody",
    "prison",
    "juvenile_detention",
    "closed_facility",
    "Closed centre for minors",
    "secure unit",
    "holding cell",
    "jail",
    "remand home",
    "young offender institution",
    "centro de internamiento",
    "detenção",
    "prisión",
    "prisão preventiva",
    "calabozo",
    "garde à vue",
    "IMMIGRATION-REMOVAL-CENTRE",
]


@pytest.fixture
def staffed():
    return case_with_staff()


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


def place(case, actor, kind=PlacementKind.FOSTER, **kwargs):
    kwargs.setdefault("at", NOW)
    return placement_record(actor=actor, case=case, kind=kind, **kwargs)


def sibling_of(case, caseworker, **kwargs):
    """Another child of the same agency, tied to the first one."""
    other = register(caseworker, case.owning_agency, given="Yasmine", birth=None).case
    child_tie_record(actor=caseworker, case=case, other_case=other, kind=kwargs.pop("kind", TieKind.SIBLINGS))
    return other


# --- NEVER_DETAIN -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", DETENTION_KINDS)
def test_detention_under_any_name_is_refused_never_detain(case, caseworker, kind):
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=kind)
    assert refused.value.codes == ["NEVER_DETAIN"]
    assert not Placement.objects.exists()


@pytest.mark.parametrize("kind", sorted(set(HeldPlace.values) - {HeldPlace.OTHER}))
def test_every_kind_of_being_held_is_never_detain_as_a_placement(case, caseworker, kind):
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=kind)
    assert refused.value.codes == ["NEVER_DETAIN"]


@pytest.mark.parametrize("kind", ["immigration_detention", "police_custody", "closed_facility"])
def test_urgency_does_not_make_detention_a_placement(case, caseworker, kind):
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=kind, urgent=True, urgent_reason="Nowhere else tonight")
    assert refused.value.codes == ["NEVER_DETAIN"]


@pytest.mark.parametrize("agency_kind", [AgencyKind.POLICE, AgencyKind.IMMIGRATION, AgencyKind.PROSECUTION])
def test_a_placement_in_the_custody_of_an_enforcement_agency_is_never_detain(case, caseworker, agency_kind):
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=PlacementKind.SHELTER, provider=AgencyFactory(kind=agency_kind),
              justification="Only place with a bed", urgent=True, urgent_reason="Night")  # fmt: skip
    assert refused.value.codes == ["NEVER_DETAIN"]


def test_an_unknown_kind_that_is_not_custody_is_a_validation_error(case, caseworker):
    with pytest.raises(ValidationError) as refused:
        place(case, caseworker, kind="boarding_school")
    assert "kind" in refused.value.message_dict


@pytest.mark.parametrize("kind", PlacementKind.values)
def test_no_known_placement_kind_reads_like_custody(kind):
    assert not looks_like_custody(kind)


@pytest.mark.parametrize("kind", [PlacementKind.FAMILY, PlacementKind.KINSHIP, PlacementKind.FOSTER,
                                  PlacementKind.SUPERVISED_INDEPENDENT])  # fmt: skip
def test_family_and_community_based_care_is_placed_without_more(case, caseworker, kind):
    placement = place(case, caseworker, kind=kind, provider=AgencyFactory(kind=AgencyKind.CARE_PROVIDER))
    assert placement.kind == kind
    assert not placement.urgent


def test_the_database_refuses_a_detention_kind_written_by_raw_sql(case, caseworker):
    with (
        pytest.raises(IntegrityError, match="care_placement_kind_known"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO care_placement (case_id, kind, justification, urgent, urgent_reason, household, "
            "separation_decision, end_reason, country, starts_at, recorded_by_id, recorded_at) "
            "VALUES (%s, 'immigration_detention', NULL, false, NULL, gen_random_uuid(), NULL, NULL, 'PT', now(), %s, "
            "now())",
            [case.pk, caseworker.pk],
        )


def test_the_database_refuses_an_unjustified_shelter_written_by_raw_sql(case, caseworker):
    with (
        pytest.raises(IntegrityError, match="care_placement_institution_justified"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO care_placement (case_id, kind, justification, urgent, urgent_reason, household, "
            "separation_decision, end_reason, country, starts_at, recorded_by_id, recorded_at) "
            "VALUES (%s, 'shelter', NULL, false, NULL, gen_random_uuid(), NULL, NULL, 'PT', now(), %s, now())",
            [case.pk, caseworker.pk],
        )


# --- PLACEMENT_JUSTIFICATION_REQUIRED -----------------------------------------------------------
@pytest.mark.parametrize("kind", [PlacementKind.SHELTER, PlacementKind.INSTITUTION])
def test_a_shelter_or_institution_without_justification_is_refused(case, caseworker, kind):
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=kind, justification="   ")
    assert refused.value.codes == ["PLACEMENT_JUSTIFICATION_REQUIRED"]


@pytest.mark.parametrize("kind", [PlacementKind.SHELTER, PlacementKind.INSTITUTION])
def test_a_shelter_or_institution_with_a_justification_is_placed(case, caseworker, kind):
    placement = place(case, caseworker, kind=kind, justification="No foster family speaks Darija yet.")
    assert stored(placement, "justification") == "No foster family speaks Darija yet."


# --- Tied children ------------------------------------------------------------------------------
def test_placing_a_sibling_in_another_home_is_refused(case, caseworker):
    sibling = sibling_of(case, caseworker)
    place(sibling, caseworker)
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker)
    assert refused.value.codes == ["PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED"]


def test_a_sibling_placed_together_goes_through(case, caseworker):
    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER)
    sibling = sibling_of(case, caseworker)
    theirs = place(sibling, caseworker, provider=home)
    ours = place(case, caseworker, provider=home, together_with=theirs)
    assert ours.household == theirs.household


def test_a_best_interests_decision_lets_siblings_live_apart(case, caseworker):
    sibling = sibling_of(case, caseworker)
    place(sibling, caseworker)
    placement = place(case, caseworker, separation_decision="BID-2026-014")
    assert stored(placement, "separation_decision") == "BID-2026-014"


def test_moving_a_sibling_away_from_the_shared_home_is_refused(case, caseworker):
    sibling = sibling_of(case, caseworker)
    theirs = place(sibling, caseworker)
    place(case, caseworker, together_with=theirs)
    heard(sibling, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=NOW + timedelta(hours=1))
    with pytest.raises(RuleViolation) as refused:
        place(sibling, caseworker, kind=PlacementKind.KINSHIP, at=NOW + timedelta(days=1))
    assert refused.value.codes == ["PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED"]


def test_a_sibling_not_placed_yet_is_not_apart(case, caseworker):
    sibling_of(case, caseworker)
    assert place(case, caseworker).pk


def test_a_young_mother_placed_apart_from_her_baby_is_refused(case, caseworker):
    baby = sibling_of(case, caseworker, kind=TieKind.MOTHER_AND_BABY)
    place(baby, caseworker)
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=PlacementKind.SUPERVISED_INDEPENDENT)
    assert refused.value.codes == ["PLACEMENT_JUSTIFICATION_REQUIRED.MOTHER_AND_BABY_SEPARATED"]


def test_a_young_mother_placed_with_her_baby_goes_through(case, caseworker):
    baby = sibling_of(case, caseworker, kind=TieKind.MOTHER_AND_BABY)
    theirs = place(baby, caseworker, kind=PlacementKind.SUPERVISED_INDEPENDENT)
    assert place(case, caseworker, kind=PlacementKind.SUPERVISED_INDEPENDENT, together_with=theirs).pk


def test_every_violation_is_listed_at_once(case, caseworker):
    sibling = sibling_of(case, caseworker)
    place(sibling, caseworker)
    with pytest.raises(RuleViolation) as refused:
        place(case, caseworker, kind=PlacementKind.SHELTER)
    assert refused.value.codes == [
        "PLACEMENT_JUSTIFICATION_REQUIRED",
        "PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED",
    ]


def test_placed_together_means_the_same_kind_and_provider(case, caseworker):
    sibling = sibling_of(case, caseworker)
    theirs = place(sibling, caseworker, kind=PlacementKind.FOSTER)
    with pytest.raises(ValidationError):
        place(case, caseworker, kind=PlacementKind.KINSHIP, together_with=theirs)


def test_a_tie_is_recorded_once_whichever_way_round(case, caseworker):
    other = sibling_of(case, caseworker)
    with pytest.raises(ValidationError):
        child_tie_record(actor=caseworker, case=other, other_case=case, kind=TieKind.SIBLINGS)
    assert ChildTie.objects.count() == 1


def test_a_child_is_not_tied_to_themselves(case, caseworker):
    with pytest.raises(ValidationError):
        child_tie_record(actor=caseworker, case=case, other_case=case, kind=TieKind.SIBLINGS)


def test_a_tie_needs_both_cases_in_reach(case, caseworker):
    elsewhere = register().case
    with pytest.raises(Http404):
        child_tie_record(actor=caseworker, case=case, other_case=elsewhere, kind=TieKind.SIBLINGS)


# --- Changes and endings ------------------------------------------------------------------------
def test_a_new_placement_ends_the_current_one_when_it_starts(case, caseworker):
    first = place(case, caseworker)
    heard(case, ViewsDecision.PLACEMENT_CHANGE, actor=caseworker, at=NOW + timedelta(days=2))
    second = place(case, caseworker, kind=PlacementKind.KINSHIP, at=NOW + timedelta(days=3))
    first.refresh_from_db()
    assert first.ends_at == second.starts_at
    assert first.ended_by == caseworker


def test_a_placement_cannot_start_before_the_current_one(case, caseworker):
    place(case, caseworker)
    with pytest.raises(ValidationError):
        place(case, caseworker, starts_at=NOW - timedelta(days=1))


def test_ending_a_placement_records_why(case, caseworker):
    placement = place(case, caseworker)
    ended = placement_end(actor=caseworker, placement=placement, reason="Back with her mother", at=NOW + timedelta(1))
    assert (ended.ends_at, stored(ended, "end_reason"), ended.ended_by) == (
        NOW + timedelta(1), "Back with her mother", caseworker)  # fmt: skip


def test_ending_a_placement_needs_a_reason_and_happens_once(case, caseworker):
    placement = place(case, caseworker)
    with pytest.raises(ValidationError):
        placement_end(actor=caseworker, placement=placement, reason=" ")
    placement_end(actor=caseworker, placement=placement, reason="Moved")
    with pytest.raises(ValidationError):
        placement_end(actor=caseworker, placement=placement, reason="Moved again")


# --- Who, and what is sealed --------------------------------------------------------------------
def test_the_address_is_sealed_and_opened_for_the_guardian_with_the_read_logged(case, caseworker):
    from apps.audit.models import RecordAccess

    placement = place(case, caseworker, address="Rua do Sol 3, Alvora")
    stored = Placement.objects.values_list("address", flat=True).get(pk=placement.pk)
    assert b"Rua do Sol" not in bytes(stored)
    guardian = guardian_for(case)
    assert placement_address(actor=guardian, placement_id=placement.pk, channel="web") == "Rua do Sol 3, Alvora"
    assert RecordAccess.objects.filter(actor_id=guardian.pk, action="placement_address", allowed=True).exists()


def test_someone_who_cannot_see_the_case_gets_a_404_for_the_address(case, caseworker):
    placement = place(case, caseworker, address="Rua do Sol 3, Alvora")
    with pytest.raises(Http404):
        placement_address(actor=case_with_staff()[1], placement_id=placement.pk, channel="web")


def test_a_caseworker_of_another_agency_cannot_place_the_child(case):
    with pytest.raises(Http404):
        place(case, case_with_staff()[1])


def test_the_guardian_sees_the_case_but_does_not_place_the_child(case):
    with pytest.raises(PermissionDenied):
        place(case, guardian_for(case))


def test_the_care_provider_where_the_child_lives_is_known_to_guardianship(case, caseworker):
    home = AgencyFactory(kind=AgencyKind.CARE_PROVIDER)
    MembershipFactory(role=Role.PARTNER_STAFF, agency=home)
    place(case, caseworker, provider=home)
    assert care_provider_agency_ids(case=case, at=NOW + timedelta(minutes=1)) == {home.pk}


@pytest.mark.django_db(transaction=True)
def test_two_placements_at_once_leave_one_current_placement():
    case, caseworker, boss = case_with_staff()
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[str] = []

    def attempt(actor, kind) -> None:
        try:
            barrier.wait()
            # Emergency placements: whichever comes second is a change that asks for nothing more.
            placement_record(actor=actor, case=case, kind=kind, urgent=True, urgent_reason="Fictional: tonight.")
            outcomes.append("placed")
        except Exception as failed:  # noqa: BLE001 - any failure is the finding
            outcomes.append(repr(failed))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=pair)
               for pair in ((caseworker, PlacementKind.FOSTER), (boss, PlacementKind.KINSHIP))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["placed", "placed"]
    assert Placement.objects.filter(case=case, ends_at__isnull=True).count() == 1
