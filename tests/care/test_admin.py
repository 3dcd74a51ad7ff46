"""The care admin: scoped like every channel, writes only through the services, shows refusals."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.accounts.models import AgencyKind, Role
from apps.alerts.models import Alert, AlertKind
from apps.audit.models import RecordAccess
from apps.care.models import (
    Charge,
    ChargeKind,
    ChildTie,
    HeldEvent,
    HeldPlace,
    MissingReport,
    Placement,
    PlacementKind,
    TieKind,
    UrgentAction,
    UrgentActionKind,
)
from apps.care.services import child_tie_record, held_record, placement_record, urgent_action_record
from apps.cases.models import Case
from apps.core.rules import CATALOGUE
from tests.accounts.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.care.factories import case_with_staff, partner_agency
from tests.cases.factories import register
from tests.cases.sealed import stored
from tests.conftest import make_staff as _staff

pytestmark = pytest.mark.django_db


def _add(model):
    return reverse(f"admin:care_{model}_add")


def _changelist(model):
    return reverse(f"admin:care_{model}_changelist")


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _message(code, **facts):
    return str(CATALOGUE[code].message) % facts if facts else str(CATALOGUE[code].message)


def _page(response):
    from html import unescape

    return unescape(response.content.decode())


@pytest.fixture
def staffed():
    case, caseworker, boss = case_with_staff()
    return case, _staff(caseworker), _staff(boss)


@pytest.fixture
def case(staffed):
    return staffed[0]


@pytest.fixture
def caseworker(staffed):
    return staffed[1]


@pytest.fixture
def boss(staffed):
    return staffed[2]


@pytest.fixture
def cw_client(client, caseworker):
    client.force_login(caseworker)
    return client


def placement_post(case, **values):
    return {"case": case.pk, "kind": PlacementKind.FOSTER, "urgent_kind": UrgentActionKind.EMERGENCY_PLACEMENT,
            **values}  # fmt: skip


def sibling_placed(case, caseworker, kind=TieKind.SIBLINGS):
    other = register(caseworker, case.owning_agency, given="Yasmine", birth=None).case
    child_tie_record(actor=caseworker, case=case, other_case=other, kind=kind)
    return placement_record(actor=caseworker, case=other, kind=PlacementKind.FOSTER)


# --- Who -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["placement", "childtie", "urgentaction", "heldevent", "missingreport", "charge"])
def test_a_superuser_without_a_case_role_cannot_open_the_care_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_changelist(model)).status_code == 403
    assert client.get(_add(model)).status_code == 403


def test_a_caseworker_sees_only_the_records_of_cases_they_see(cw_client, case, caseworker):
    mine = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER)
    other_case, other_worker, _boss = case_with_staff()
    placement_record(actor=other_worker, case=other_case, kind=PlacementKind.KINSHIP)
    response = cw_client.get(_changelist("placement"))
    assert list(response.context["cl"].queryset) == [mine]


def test_a_record_outside_the_scope_is_a_404(cw_client):
    other_case, other_worker, _boss = case_with_staff()
    theirs = placement_record(actor=other_worker, case=other_case, kind=PlacementKind.KINSHIP)
    assert cw_client.get(reverse("admin:care_placement_change", args=[theirs.pk])).status_code == 404


def test_the_add_form_offers_only_the_actors_cases(cw_client, case):
    elsewhere = register().case
    response = cw_client.post(_add("placement"), placement_post(elsewhere))
    assert response.status_code == 200
    assert not Placement.objects.exists()
    assert list(response.context["adminform"].form.fields["case"].queryset) == [Case.objects.get(pk=case.pk)]


@pytest.mark.parametrize("model", ["placement", "childtie", "urgentaction", "heldevent", "missingreport", "charge"])
def test_nothing_is_deleted_or_edited_in_place(cw_client, model):
    response = cw_client.get(_changelist(model))
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)


def test_a_placement_cannot_be_deleted_or_changed(cw_client, case, caseworker):
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER)
    assert (
        cw_client.post(reverse("admin:care_placement_delete", args=[placement.pk]), {"post": "yes"}).status_code == 403
    )
    cw_client.post(reverse("admin:care_placement_change", args=[placement.pk]), {"kind": "shelter"})
    assert Placement.objects.get().kind == PlacementKind.FOSTER


# --- NEVER_DETAIN --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["immigration_detention", "police custody", "juvenile_detention", "closed facility"])
def test_a_detention_kind_posted_to_the_admin_is_refused_never_detain(cw_client, case, kind):
    response = cw_client.post(_add("placement"), placement_post(case, kind=kind))
    assert response.status_code == 200
    assert _message("NEVER_DETAIN") in _page(response)
    assert not Placement.objects.exists()


def test_an_urgent_detention_posted_to_the_admin_is_still_refused(cw_client, case):
    response = cw_client.post(
        _add("placement"), placement_post(case, kind="prison", urgent="on", urgent_reason="Night")
    )
    assert _message("NEVER_DETAIN") in _page(response)
    assert not Placement.objects.exists()


def test_a_placement_with_the_police_as_provider_is_refused_never_detain(cw_client, case):
    police = AgencyFactory(kind=AgencyKind.POLICE)
    response = cw_client.post(_add("placement"), placement_post(case, provider=police.pk))
    assert _message("NEVER_DETAIN") in _page(response)


def test_a_family_based_placement_is_added_through_the_service_with_its_address_sealed(cw_client, case, caseworker):
    response = cw_client.post(_add("placement"), placement_post(case, kind=PlacementKind.KINSHIP,
                                                                address_text="Rua do Sol 3"))  # fmt: skip
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert (placement.kind, placement.recorded_by) == (PlacementKind.KINSHIP, caseworker)
    assert stored(placement, "address") == "Rua do Sol 3"


def test_the_placement_page_opens_the_address_and_logs_the_read(cw_client, case, caseworker):
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER, address="Rua do Sol 3")
    response = cw_client.get(reverse("admin:care_placement_change", args=[placement.pk]))
    assert "Rua do Sol 3" in _page(response)
    assert RecordAccess.objects.filter(actor_id=caseworker.pk, case=case, channel="admin", allowed=True).exists()


# --- PLACEMENT_JUSTIFICATION_REQUIRED and its refinements ----------------------------------------
def test_a_shelter_without_justification_is_refused_in_the_admin(cw_client, case):
    response = cw_client.post(_add("placement"), placement_post(case, kind=PlacementKind.SHELTER))
    assert _message("PLACEMENT_JUSTIFICATION_REQUIRED") in _page(response)
    assert not Placement.objects.exists()


def test_a_shelter_with_a_justification_is_added_in_the_admin(cw_client, case):
    response = cw_client.post(_add("placement"), placement_post(case, kind=PlacementKind.SHELTER,
                                                                justification="No foster family free tonight"))  # fmt: skip
    assert response.status_code == 302
    assert stored(Placement.objects.get(), "justification") == "No foster family free tonight"


def test_siblings_placed_apart_are_refused_in_the_admin(cw_client, case, caseworker):
    sibling_placed(case, caseworker)
    response = cw_client.post(_add("placement"), placement_post(case, kind=PlacementKind.KINSHIP))
    assert _message("PLACEMENT_JUSTIFICATION_REQUIRED.SIBLINGS_SEPARATED") in _page(response)
    assert Placement.objects.filter(case=case).count() == 0


def test_siblings_apart_with_a_best_interests_decision_are_added_in_the_admin(cw_client, case, caseworker):
    sibling_placed(case, caseworker)
    response = cw_client.post(_add("placement"), placement_post(case, separation_decision="BID-2026-014"))
    assert response.status_code == 302
    assert stored(Placement.objects.get(case=case), "separation_decision") == "BID-2026-014"


def test_siblings_placed_together_are_added_in_the_admin(cw_client, case, caseworker):
    theirs = sibling_placed(case, caseworker)
    response = cw_client.post(_add("placement"), placement_post(case, together_with=theirs.pk))
    assert response.status_code == 302
    assert Placement.objects.get(case=case).household == theirs.household


def test_a_mother_placed_apart_from_her_baby_is_refused_and_then_placed_with_her(cw_client, case, caseworker):
    babys = sibling_placed(case, caseworker, kind=TieKind.MOTHER_AND_BABY)
    refused = cw_client.post(_add("placement"), placement_post(case))
    assert _message("PLACEMENT_JUSTIFICATION_REQUIRED.MOTHER_AND_BABY_SEPARATED") in _page(refused)
    assert cw_client.post(_add("placement"), placement_post(case, together_with=babys.pk)).status_code == 302


def test_an_urgent_placement_goes_through_in_the_admin_with_every_rule_unmet(cw_client, case, caseworker):
    sibling_placed(case, caseworker)
    response = cw_client.post(_add("placement"), placement_post(
        case, kind=PlacementKind.INSTITUTION, urgent="on", urgent_kind=UrgentActionKind.SAFETY_MOVE,
        urgent_reason="The trafficker came to the foster home"))  # fmt: skip
    assert response.status_code == 302
    action = UrgentAction.objects.get()
    assert (action.kind, action.placement.case) == (UrgentActionKind.SAFETY_MOVE, case)


def test_an_urgent_placement_without_its_reason_is_asked_for_it(cw_client, case):
    response = cw_client.post(_add("placement"), placement_post(case, urgent="on"))
    assert response.status_code == 200
    assert "Record why the placement is urgent." in _page(response)


def test_ending_a_placement_asks_why_then_goes_through_the_service(cw_client, case, caseworker):
    placement = placement_record(actor=caseworker, case=case, kind=PlacementKind.FOSTER)
    form = cw_client.post(_changelist("placement"), {"action": "end_placement", "_selected_action": [placement.pk]})
    assert "Reason" in _page(form)
    assert Placement.objects.get().ends_at is None
    cw_client.post(_changelist("placement"), {"action": "end_placement", "_selected_action": [placement.pk],
                                              "confirm": "yes", "reason": "Back home"})  # fmt: skip
    assert stored(Placement.objects.get(), "end_reason") == "Back home"


# --- Ties, urgent actions and their review -------------------------------------------------------
def test_a_tie_is_added_through_the_service(cw_client, case, caseworker):
    other = register(caseworker, case.owning_agency, given="Nour").case
    response = cw_client.post(_add("childtie"), {"case": case.pk, "other_case": other.pk, "kind": TieKind.SIBLINGS})
    assert response.status_code == 302
    assert ChildTie.objects.get().kind == TieKind.SIBLINGS


def test_a_tie_to_the_same_child_is_refused_on_the_form(cw_client, case):
    response = cw_client.post(_add("childtie"), {"case": case.pk, "other_case": case.pk, "kind": TieKind.SIBLINGS})
    assert "Both cases are of the same child." in _page(response)


def test_halting_a_removal_is_added_without_a_guardian_and_alerts_the_supervisors(cw_client, case):
    response = cw_client.post(_add("urgentaction"), {"case": case.pk, "kind": UrgentActionKind.HALT_REMOVAL,
                                                     "reason": "Removal flight tonight"})  # fmt: skip
    assert response.status_code == 302
    assert stored(UrgentAction.objects.get(), "reason") == "Removal flight tonight"
    assert Alert.objects.filter(kind=AlertKind.URGENT_ACTION_REVIEW, case=case).exists()


def test_a_supervisor_records_the_review_through_an_action(client, case, caseworker, boss):
    action = urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.MEDICAL_CARE, reason="Fever")
    client.force_login(boss)
    client.post(_changelist("urgentaction"), {"action": "record_review", "_selected_action": [action.pk],
                                              "confirm": "yes", "review": "Right call"})  # fmt: skip
    action.refresh_from_db()
    assert (action.supervisor_reviewed_by, stored(action, "supervisor_review")) == (boss, "Right call")


def test_a_review_the_service_refuses_is_shown_as_an_error(cw_client, case, caseworker):
    action = urgent_action_record(actor=caseworker, case=case, kind=UrgentActionKind.MEDICAL_CARE, reason="Fever")
    response = cw_client.post(_changelist("urgentaction"), {"action": "record_review", "_selected_action": [action.pk],
                                                            "confirm": "yes", "review": "Fine"})  # fmt: skip
    assert any("guardian or a supervisor" in m for m in _messages(response))
    assert UrgentAction.objects.get().supervisor_reviewed_at is None


# --- Held, missing, charges ----------------------------------------------------------------------
def test_a_held_event_is_added_and_alerts_the_supervisors_and_legal_aid(cw_client, case):
    partner_agency(AgencyKind.LEGAL_AID, country=case.owning_agency.country)
    response = cw_client.post(_add("heldevent"), {"case": case.pk, "place_kind": HeldPlace.IMMIGRATION_DETENTION,
                                                  "where": "Airport holding area", "held_by": "Border police"})  # fmt: skip
    assert response.status_code == 302
    assert stored(HeldEvent.objects.get(), "place") == "Airport holding area"
    assert set(Alert.objects.values_list("kind", flat=True)) == {AlertKind.CHILD_HELD, AlertKind.LEGAL_AID_NEEDED}


def test_a_release_is_recorded_through_an_action(cw_client, case, caseworker):
    event = held_record(actor=caseworker, case=case, place_kind=HeldPlace.POLICE_CUSTODY)
    cw_client.post(_changelist("heldevent"), {"action": "record_release", "_selected_action": [event.pk],
                                              "confirm": "yes", "note": "Collected by the foster carer"})  # fmt: skip
    event.refresh_from_db()
    assert (event.release_recorded_by, stored(event, "release_note")) == (caseworker, "Collected by the foster carer")


def test_a_missing_report_is_added_and_the_risk_raised(cw_client, case):
    spain, _staff_member = partner_agency(AgencyKind.FOREIGN_COUNTERPART, country="ES")
    response = cw_client.post(_add("missingreport"), {"case": case.pk, "last_seen_where": "Bus station",
                                                      "may_have_crossed_to": "ES"})  # fmt: skip
    assert response.status_code == 302
    assert MissingReport.objects.get().police_reported_at is not None
    assert Case.objects.get(pk=case.pk).risk_level == Case.RiskLevel.CRITICAL
    assert Alert.objects.get(kind=AlertKind.CROSS_BORDER_NOTICE).agency == spain


def test_a_charge_is_added_and_raises_non_punishment(cw_client, case):
    response = cw_client.post(_add("charge"), {"case": case.pk, "kind": ChargeKind.CRIMINAL_CHARGE,
                                               "acts_text": "Pickpocketing on trams", "authority_name": "Prosecutor"})  # fmt: skip
    assert response.status_code == 302
    assert stored(Charge.objects.get(), "acts") == "Pickpocketing on trams"
    assert Alert.objects.filter(kind=AlertKind.NON_PUNISHMENT, role=Role.SUPERVISOR, case=case).exists()


def test_a_guardian_with_staff_status_does_not_record_in_the_admin(client, case):
    guardian = _staff(MembershipFactory(role=Role.GUARDIAN).user)
    client.force_login(guardian)
    assert client.post(_add("charge"), {"case": case.pk, "kind": ChargeKind.CONVICTION}).status_code == 403
    assert not Charge.objects.exists()
