"""Why a solution was decided or withdrawn is stored sealed, and still shown to those who may see it."""

from html import unescape

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from apps.audit.models import RecordAccess
from apps.solutions import services
from apps.solutions.models import SolutionType
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.solutions.factories import NOW, planned, return_ready, world

pytestmark = pytest.mark.django_db

DECIDED = "Fictional: her grandmother's home in Tangier is safe and she wants to go"
WITHDRAWN = "Fictional: she told her guardian she is afraid of her uncle"


def _raw(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM solutions_durablesolution WHERE id = %s", [pk])  # noqa: S608 - test names
        (value,) = cursor.fetchone()
    return bytes(value)


def test_the_reasons_are_stored_sealed_and_the_admin_page_shows_them_with_the_read_logged(client):
    w = world()
    withdrawn = services.solution_withdraw(actor=w.caseworker, solution=planned(w, SolutionType.LOCAL_INTEGRATION),
                                           reason=WITHDRAWN)  # fmt: skip
    decided = services.solution_decide(actor=w.supervisor, solution=return_ready(w), reason=DECIDED, at=NOW)
    for solution, column, typed in ((decided, "decision_reason", DECIDED), (withdrawn, "withdrawn_reason", WITHDRAWN)):
        stored_bytes = _raw(column, solution.pk)
        assert typed.encode() not in stored_bytes
        assert b"uncle" not in stored_bytes
        assert b"Tangier" not in stored_bytes
        assert stored(solution, column) == typed

    client.force_login(_staff(w.caseworker))
    for solution, typed in ((decided, DECIDED), (withdrawn, WITHDRAWN)):
        before = RecordAccess.objects.filter(case=w.case, actor_id=w.caseworker.pk).count()
        page = client.get(reverse("admin:solutions_durablesolution_change", args=[solution.pk]))
        assert typed in unescape(page.content.decode())
        assert RecordAccess.objects.filter(case=w.case, actor_id=w.caseworker.pk).count() == before + 1


def test_the_database_keeps_requiring_a_reason_for_a_withdrawal():
    w = world()
    withdrawn = services.solution_withdraw(actor=w.caseworker, solution=planned(w), reason=WITHDRAWN)
    with (
        pytest.raises(IntegrityError, match="solutions_withdrawal_has_reason"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE solutions_durablesolution SET withdrawn_reason = NULL WHERE id = %s", [withdrawn.pk])


def test_a_decision_without_a_reason_stores_nothing():
    w = world()
    decided = services.solution_decide(actor=w.supervisor, solution=return_ready(w), at=NOW)
    assert decided.decision_reason is None
