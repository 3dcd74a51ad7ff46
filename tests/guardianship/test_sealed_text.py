"""Why an appointment was made despite a rule, and why it ended, are stored sealed with the
child's key and read back on the appointment's admin page by those who may see the case."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import RecordAccess
from apps.guardianship.models import AppointmentKind
from apps.guardianship.services import guardian_appoint, guardian_appointment_end, guardian_handover
from tests.accounts.factories import AgencyFactory
from tests.cases.factories import register, supervisor_in
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff
from tests.guardianship.factories import eligible_guardian

pytestmark = pytest.mark.django_db

OVER_CAP = "Fictional: the only guardian who speaks Tigrinya in Faro"
ALONGSIDE = "Fictional: her brother's hearing is in Porto the same week"
ENDED = "Fictional: she moved in with her aunt in Braga"
HANDED_OVER = "Fictional: the guardian fell ill"


@pytest.fixture
def typed():
    agency = AgencyFactory()
    case = register(agency=agency, child_facts={"unaccompanied": True}).case
    boss = _staff(supervisor_in(agency))
    start = timezone.now() - timedelta(days=3)
    busy = eligible_guardian()
    guardian_appoint(actor=boss, case=register(agency=agency, given="Other").case, guardian=busy,
                     kind=AppointmentKind.PROVISIONAL, at=start)  # fmt: skip
    with override_settings(HAVEN_GUARDIAN_CASELOAD_CAP=1):
        over_cap = guardian_appoint(actor=boss, case=case, guardian=busy, kind=AppointmentKind.PROVISIONAL,
                                    over_cap_reason=OVER_CAP, at=start)  # fmt: skip
    alongside = guardian_appoint(actor=boss, case=case, guardian=eligible_guardian(), kind=AppointmentKind.PROVISIONAL,
                                 alongside_reason=ALONGSIDE, at=start)  # fmt: skip
    guardian_appointment_end(actor=boss, appointment=alongside, reason=ENDED, at=start + timedelta(days=1))
    guardian_handover(actor=boss, appointment=over_cap, new_guardian=eligible_guardian(), reason=HANDED_OVER,
                      at=start + timedelta(days=2))  # fmt: skip
    over_cap.refresh_from_db()
    alongside.refresh_from_db()
    return {"case": case, "boss": boss, "over_cap": over_cap, "alongside": alongside}


def _typed_columns(t):
    return [
        (t["over_cap"], "over_cap_reason", OVER_CAP),
        (t["over_cap"], "end_reason", HANDED_OVER),
        (t["alongside"], "alongside_reason", ALONGSIDE),
        (t["alongside"], "end_reason", ENDED),
    ]


def test_the_reasons_are_stored_sealed_and_open_with_the_childs_key(typed):
    for record, column, text in _typed_columns(typed):
        raw = _raw(record, column)
        assert raw is not None, f"{column} was not stored"
        assert b"Fictional" not in raw, f"{column} is stored in plain text"
        assert stored(record, column) == text


def test_the_appointment_page_shows_the_reasons_to_a_supervisor_and_logs_the_read(client, typed):
    client.force_login(typed["boss"])
    for record, column, text in _typed_columns(typed):
        response = client.get(reverse("admin:guardianship_guardianappointment_change", args=[record.pk]))
        assert response.status_code == 200
        assert text in unescape(response.content.decode()), f"{column} is not shown"
    assert RecordAccess.objects.filter(actor_id=typed["boss"].pk, case=typed["case"], allowed=True).exists()


def test_a_supervisor_of_another_agency_opens_none_of_them(client, typed):
    client.force_login(_staff(supervisor_in(AgencyFactory())))
    response = client.get(reverse("admin:guardianship_guardianappointment_change", args=[typed["over_cap"].pk]))
    assert response.status_code == 404
    assert not RecordAccess.objects.filter(case=typed["case"], allowed=True).exclude(actor_id=typed["boss"].pk).exists()
