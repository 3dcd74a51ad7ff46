"""A decided determination is never edited, by any path: the database refuses raw SQL too, as
the application role the suite (and Haven) connects as, which cannot switch triggers off."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from apps.bestinterests.models import (
    BestInterestsAssessment,
    BestInterestsDetermination,
    ConfidentialityUndertaking,
    OptionWeighed,
    PanelMember,
)
from tests.bestinterests.factories import NOW, completed_bia, decided_panel, ready_panel_draft, world

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list[Any]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _snapshot(bid: BestInterestsDetermination) -> tuple[object, ...]:
    bid.refresh_from_db()
    return (
        bid.recommendation, bytes(bid.reasons), bid.decided_at, bid.approved_at,
        sorted(PanelMember.objects.filter(determination=bid).values_list("member_id", "discipline")),
        sorted(OptionWeighed.objects.filter(determination=bid).values_list("solution", flat=True)),
        ConfidentialityUndertaking.objects.filter(determination=bid).count(),
    )  # fmt: skip


def test_raw_sql_cannot_edit_or_delete_a_decided_determination_or_its_parts():
    w = world()
    bid = decided_panel(w)
    before = _snapshot(bid)
    _refused(
        "UPDATE bestinterests_bestinterestsdetermination SET recommendation = 'local_integration' WHERE id = %s",
        [bid.pk],
    )
    _refused("UPDATE bestinterests_bestinterestsdetermination SET reasons = NULL WHERE id = %s", [bid.pk])
    _refused(
        "UPDATE bestinterests_bestinterestsdetermination SET decided_at = decided_at + interval '1 day' WHERE id = %s",
        [bid.pk],
    )
    _refused("DELETE FROM bestinterests_bestinterestsdetermination WHERE id = %s", [bid.pk])
    _refused("UPDATE bestinterests_panelmember SET discipline = 'law' WHERE determination_id = %s", [bid.pk])
    _refused("DELETE FROM bestinterests_panelmember WHERE determination_id = %s", [bid.pk])
    _refused(
        "INSERT INTO bestinterests_panelmember (determination_id, member_id, discipline, added_by_id, added_at) "
        "VALUES (%s, %s, 'law', %s, now())",
        [bid.pk, w.supervisor.pk, w.caseworker.pk],
    )
    _refused("UPDATE bestinterests_optionweighed SET reasons_for = NULL WHERE determination_id = %s", [bid.pk])
    _refused("DELETE FROM bestinterests_optionweighed WHERE determination_id = %s", [bid.pk])
    _refused("DELETE FROM bestinterests_confidentialityundertaking WHERE determination_id = %s", [bid.pk])
    _refused(
        "UPDATE bestinterests_confidentialityundertaking SET signed_at = now() WHERE determination_id = %s", [bid.pk]
    )
    assert _snapshot(bid) == before


def test_the_orm_cannot_edit_a_decided_determination_either():
    w = world()
    bid = decided_panel(w)
    with pytest.raises(DatabaseError), transaction.atomic():
        BestInterestsDetermination.objects.filter(pk=bid.pk).update(recommendation="resettlement")
    with pytest.raises(DatabaseError), transaction.atomic():
        PanelMember.objects.filter(determination=bid).delete()
    bid.refresh_from_db()
    assert bid.recommendation == "return"


def test_the_approval_is_written_once_and_then_never_changed():
    w = world()
    bid = decided_panel(w)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bestinterests_bestinterestsdetermination SET approved_at = %s, approved_by_id = %s WHERE id = %s",
                       [NOW, w.supervisor.pk, bid.pk])  # fmt: skip
    _refused(
        "UPDATE bestinterests_bestinterestsdetermination SET approved_at = NULL, approved_by_id = NULL WHERE id = %s",
        [bid.pk],
    )
    _refused(
        "UPDATE bestinterests_bestinterestsdetermination SET approved_by_id = %s WHERE id = %s",
        [w.caseworker.pk, bid.pk],
    )
    bid.refresh_from_db()
    assert bid.approved_by == w.supervisor


def test_a_draft_and_its_panel_may_still_change():
    w = world()
    bid = ready_panel_draft(w)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE bestinterests_bestinterestsdetermination SET recommendation = 'resettlement' WHERE id = %s",
            [bid.pk],
        )
        cursor.execute(
            "UPDATE bestinterests_panelmember SET discipline = 'health' WHERE determination_id = %s", [bid.pk]
        )
    bid.refresh_from_db()
    assert bid.recommendation == "resettlement"


def test_the_application_role_cannot_switch_the_guard_off():
    w = world()
    bid = decided_panel(w)
    _refused("SET session_replication_role = replica", [])
    _refused(
        "ALTER TABLE bestinterests_bestinterestsdetermination DISABLE TRIGGER bestinterests_determination_final", []
    )
    _refused("DROP TRIGGER bestinterests_determination_final ON bestinterests_bestinterestsdetermination", [])
    _refused(
        "UPDATE bestinterests_bestinterestsdetermination SET recommendation = 'resettlement' WHERE id = %s", [bid.pk]
    )
    bid.refresh_from_db()
    assert bid.recommendation == "return"


def test_a_completed_bia_never_changes():
    w = world()
    bia = completed_bia(w)
    with pytest.raises(DatabaseError), transaction.atomic():
        BestInterestsAssessment.objects.filter(pk=bia.pk).update(needs=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        BestInterestsAssessment.objects.filter(pk=bia.pk).delete()
