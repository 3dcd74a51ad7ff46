"""Break-glass and explicit grants in the admin, over HTTP, through the same services."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.audit.models import RecordAccess
from apps.grants import services
from apps.grants.models import BreakGlass, CaseUserObjectPermission
from tests.accounts.factories import AgencyFactory, TeamFactory, UserFactory
from tests.cases.factories import caseworker_in, register, supervisor_in
from tests.conftest import make_staff as _staff
from tests.grants.factories import frozen, saturday_night, wednesday_noon

pytestmark = pytest.mark.django_db
REASON = "Found alone at the station at night; the shelter needs her contact restrictions."
OPEN = reverse("admin:grants_breakglass_add")
BREAK_GLASS_LIST = reverse("admin:grants_breakglass_changelist")
GRANTS_LIST = reverse("admin:grants_caseuserobjectpermission_changelist")


@pytest.fixture
def w():
    agency = AgencyFactory(time_zone="Europe/Lisbon")
    case = register(caseworker_in(agency, TeamFactory(agency=agency)), agency).case
    return {
        "agency": agency,
        "case": case,
        "on_duty": _staff(caseworker_in(agency, TeamFactory(agency=agency))),
        "supervisor": _staff(supervisor_in(agency)),
    }


def _case_page(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def test_out_of_hours_she_opens_the_case_by_its_reference_and_reads_it(client, w, monkeypatch):
    frozen(monkeypatch, saturday_night(w["agency"]))
    client.force_login(w["on_duty"])
    assert client.get(_case_page(w["case"])).status_code == 404
    response = client.post(OPEN, {"case": w["case"].reference, "reason": REASON})
    assert response.status_code == 302
    assert BreakGlass.objects.get().opened_by == w["on_duty"]
    assert client.get(_case_page(w["case"])).status_code == 200
    read = RecordAccess.objects.filter(actor=w["on_duty"], case=w["case"], allowed=True)
    assert read.exists()
    assert all(read.values_list("break_glass", flat=True))


def test_under_break_glass_the_case_page_changes_nothing(client, w, monkeypatch):
    frozen(monkeypatch, saturday_night(w["agency"]))
    services.break_glass_open(actor=w["on_duty"], case=w["case"], reason=REASON)
    client.force_login(w["on_duty"])
    version = w["case"].version
    client.post(_case_page(w["case"]), {"expected_version": version, "team": "", "assigned_caseworker": ""})
    w["case"].refresh_from_db()
    assert (w["case"].version, w["case"].assigned_caseworker) != (version, None)
    assert w["case"].assigned_caseworker is not None


def test_during_office_hours_the_form_shows_the_refusal_and_writes_nothing(client, w, monkeypatch):
    frozen(monkeypatch, wednesday_noon(w["agency"]))
    client.force_login(w["on_duty"])
    response = client.post(OPEN, {"case": w["case"].reference, "reason": REASON})
    assert response.status_code == 200
    assert "break-glass is for out of hours" in response.content.decode()
    assert not BreakGlass.objects.exists()


def test_an_empty_reason_is_refused_in_the_form(client, w, monkeypatch):
    frozen(monkeypatch, saturday_night(w["agency"]))
    client.force_login(w["on_duty"])
    response = client.post(OPEN, {"case": w["case"].reference, "reason": " "})
    assert "State the urgent-protection reason" in response.content.decode()
    assert not BreakGlass.objects.exists()


def test_the_supervisor_reads_the_reason_and_reviews_it(client, w, monkeypatch):
    night = saturday_night(w["agency"])
    opening = services.break_glass_open(actor=w["on_duty"], case=w["case"], reason=REASON, at=night)
    frozen(monkeypatch, opening.review_due_at + timedelta(minutes=30))
    client.force_login(w["supervisor"])
    page = client.get(reverse("admin:grants_breakglass_change", args=[opening.pk]))
    assert REASON in page.content.decode()
    client.post(BREAK_GLASS_LIST, {"action": "review", "_selected_action": [opening.pk], "confirm": "yes",
                                   "note": "Needed."})  # fmt: skip
    opening.refresh_from_db()
    assert opening.reviewed_by == w["supervisor"]


def test_a_supervisor_grants_a_named_person_and_revokes_it(client, w):
    interpreter = _staff(caseworker_in(AgencyFactory()))
    client.force_login(w["supervisor"])
    add = reverse("admin:grants_caseuserobjectpermission_add")
    client.post(add, {"case": w["case"].pk, "user": interpreter.email.upper()})
    grant = CaseUserObjectPermission.objects.get()
    assert (grant.user, grant.content_object, grant.granted_by) == (interpreter, w["case"], w["supervisor"])
    client.force_login(interpreter)
    assert client.get(_case_page(w["case"])).status_code == 200
    client.force_login(w["supervisor"])
    client.post(GRANTS_LIST, {"action": "revoke", "_selected_action": [grant.pk], "confirm": "yes"})
    assert not CaseUserObjectPermission.objects.exists()
    client.force_login(interpreter)
    assert client.get(_case_page(w["case"])).status_code == 404


def test_a_caseworker_cannot_open_the_grant_screens(client, w):
    client.force_login(w["on_duty"])
    assert client.get(reverse("admin:grants_caseuserobjectpermission_add")).status_code == 403
    assert client.get(GRANTS_LIST).status_code == 403


def test_a_superuser_with_every_model_permission_reads_no_case_in_the_admin(client, w):
    root = UserFactory(is_superuser=True, is_staff=True)
    root.user_permissions.set(Permission.objects.all())
    client.force_login(root)
    assert client.get(_case_page(w["case"])).status_code in {403, 404}
    assert client.get(BREAK_GLASS_LIST).status_code == 403
