"""The best-interests admin: scoped like every channel, writes only through the services,
shows refusals with their codes, and never edits a decided determination."""

from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.alerts.models import Alert, AlertKind
from apps.bestinterests.models import (
    BIA_SECTIONS,
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    Discipline,
    SolutionKind,
)
from apps.bestinterests.services import bia_start, determination_start, panel_member_add
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.bestinterests.factories import (
    NOW,
    approved_panel,
    decided_panel,
    guardian_opinion,
    ready_authority_draft,
    ready_panel_draft,
    world,
)
from tests.cases.factories import supervisor_in
from tests.cases.sealed import stored
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _url(model, view="changelist", *args):
    return reverse(f"admin:bestinterests_{model}_{view}", args=args)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _act(client, model, action, pks, **data):
    return client.post(_url(model), {"action": action, "_selected_action": list(pks), **data})


@pytest.fixture
def w():
    w = world()
    for user in (w.caseworker, w.supervisor, w.guardian):
        make_staff(user)
    return w


def _login(client, user):
    client.force_login(user)
    return client


# --- Who -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "model", ["bestinterestsassessment", "bestinterestsdetermination", "panelmember", "optionweighed",
              "bestinterestsreview"],
)  # fmt: skip
def test_a_superuser_without_a_role_cannot_open_it(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(_url(model)).status_code == 403


def test_a_caseworker_sees_only_determinations_of_cases_they_see(client, w):
    mine = determination_start(actor=w.caseworker, case=w.case, at=NOW)
    other = world()
    theirs = determination_start(actor=other.caseworker, case=other.case, at=NOW)
    response = _login(client, w.caseworker).get(_url("bestinterestsdetermination"))
    assert list(response.context["cl"].queryset) == [mine]
    assert client.get(_url("bestinterestsdetermination", "change", theirs.pk)).status_code == 404


def test_the_determination_list_has_a_query_budget(client, w, django_assert_max_num_queries):
    for _ in range(3):
        other = world()
        BestInterestsDetermination.objects.create(case=other.case, kind="panel", created_by=other.caseworker)
    decided_panel(w)
    _login(client, w.supervisor)
    # Room for every app's entry in the admin sidebar; nothing here grows with the rows.
    with django_assert_max_num_queries(30):
        assert client.get(_url("bestinterestsdetermination")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(_url("panelmember")).status_code == 200


# --- BIA ----------------------------------------------------------------------------------------
def test_a_bia_is_started_written_and_completed_through_the_admin(client, w):
    _login(client, w.caseworker)
    response = client.post(_url("bestinterestsassessment", "add"), {"case": w.case.pk})
    assert response.status_code == 302
    bia = BestInterestsAssessment.objects.get(case=w.case)
    client.post(_url("bestinterestsassessment", "change", bia.pk), {"needs_text": "Fictional needs."})
    bia.refresh_from_db()
    assert stored(bia, "needs", case=w.case) == "Fictional needs."
    response = _act(client, "bestinterestsassessment", "complete", [bia.pk])
    text = " ".join(_messages(response))
    assert "(GUARDIAN_OPINION_REQUIRED)" in text
    assert "(BID_REQUIRED.BIA_INCOMPLETE)" in text
    client.post(_url("bestinterestsassessment", "change", bia.pk), {f"{s}_text": "Fictional." for s in BIA_SECTIONS})
    guardian_opinion(w, decision="bia", subject=str(bia.pk))
    response = _act(client, "bestinterestsassessment", "complete", [bia.pk])
    assert any("completed" in m for m in _messages(response))
    bia.refresh_from_db()
    assert bia.completed_at is not None
    # Completed: read-only, a post changes nothing.
    assert (
        client.post(_url("bestinterestsassessment", "change", bia.pk), {"needs_text": "Rewritten."}).status_code == 403
    )
    bia.refresh_from_db()
    assert stored(bia, "needs", case=w.case) == "Fictional."


def test_a_bia_without_a_guardian_is_refused_in_the_admin(client):
    w = world(guardian=False)
    make_staff(w.caseworker)
    bia = bia_start(actor=w.caseworker, case=w.case, at=NOW)
    response = _act(_login(client, w.caseworker), "bestinterestsassessment", "complete", [bia.pk])
    assert any("(GUARDIAN_REQUIRED)" in m for m in _messages(response))


# --- Determinations ------------------------------------------------------------------------------
def test_deciding_an_incomplete_draft_in_the_admin_lists_every_code(client, w):
    _login(client, w.caseworker)
    client.post(_url("bestinterestsdetermination", "add"), {"case": w.case.pk, "kind": "panel"})
    bid = BestInterestsDetermination.objects.get(case=w.case)
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    text = " ".join(_messages(response))
    for code in ("GUARDIAN_OPINION_REQUIRED", "CHILD_VIEWS_REQUIRED", "BID_REQUIRED.PANEL_TOO_SMALL",
                 "BID_REQUIRED.NO_RECOMMENDATION", "BID_REQUIRED.NO_OPTIONS_WEIGHED", "BID_REQUIRED.NO_TRACING_OUTCOME",
                 "BID_REQUIRED.NO_RISK_ASSESSMENT", "BID_REQUIRED.NO_REASONS"):  # fmt: skip
        assert f"({code})" in text


def test_a_draft_is_filled_in_the_admin_and_decided(client, w):
    bid = ready_panel_draft(w)
    _login(client, w.caseworker)
    response = client.post(
        _url("bestinterestsdetermination", "change", bid.pk),
        {"recommendation": SolutionKind.RETURN, "reasons_text": "Fictional reasons from the admin.",
         "no_risk_assessment_reason_text": "Fictional.", "objection_reasons_text": ""},
    )  # fmt: skip
    assert response.status_code == 302
    bid.refresh_from_db()
    assert stored(bid, "reasons", case=w.case) == "Fictional reasons from the admin."
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    bid.refresh_from_db()
    assert bid.decided_at is not None
    assert Alert.objects.filter(kind=AlertKind.BID_APPROVAL, case=w.case).exists()


def test_an_unsigned_member_and_a_small_panel_are_refused_in_the_admin_then_signing_allows(client, w):
    bid = ready_panel_draft(w)
    outsider = make_staff(MembershipFactory(role="partner_staff").user)
    _login(client, w.caseworker)
    client.post(_url("panelmember", "add"),
                {"determination": bid.pk, "member": outsider.pk, "discipline": Discipline.HEALTH})  # fmt: skip
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    assert any("(BID_REQUIRED.NO_CONFIDENTIALITY_UNDERTAKING)" in m for m in _messages(response))
    # The outsider sees nothing of the determination until they sign, from their own seat.
    _login(client, outsider)
    assert client.get(_url("bestinterestsdetermination", "change", bid.pk)).status_code == 404
    seat = bid.panel.get(member=outsider)
    _act(client, "panelmember", "sign_undertaking", [seat.pk])
    assert client.get(_url("bestinterestsdetermination", "change", bid.pk)).status_code == 200
    _login(client, w.caseworker)
    _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    bid.refresh_from_db()
    assert bid.decided_at is not None


def test_a_panel_too_small_is_refused_in_the_admin(client, w):
    bid = ready_panel_draft(w)
    _login(client, w.caseworker)
    seat = bid.panel.last()
    _act(client, "panelmember", "remove", [seat.pk])
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    assert any("(BID_REQUIRED.PANEL_TOO_SMALL)" in m for m in _messages(response))


def test_a_courts_decision_without_the_authority_is_refused_in_the_admin_then_allowed(client, w):
    bid = ready_authority_draft(w)
    _login(client, w.caseworker)
    post = {"recommendation": SolutionKind.LOCAL_INTEGRATION, "reasons_text": "The court's fictional reasons.",
            "no_risk_assessment_reason_text": "Stays in the country.", "authority_name": "", "authority_decided_on": ""}  # fmt: skip
    client.post(_url("bestinterestsdetermination", "change", bid.pk), post)
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    assert any("(BID_REQUIRED.NO_AUTHORITY_DECISION)" in m for m in _messages(response))
    client.post(_url("bestinterestsdetermination", "change", bid.pk),
                {**post, "authority_name": "Family Court of Alvora", "authority_decided_on": "2026-01-15"})  # fmt: skip
    _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    bid.refresh_from_db()
    assert bid.decided_at is not None


def test_an_objection_without_reasons_is_refused_in_the_admin(client, w):
    bid = ready_panel_draft(w)
    _login(client, w.caseworker)
    post = {"recommendation": SolutionKind.RETURN, "reasons_text": "Fictional.", "child_objects": "on",
            "no_risk_assessment_reason_text": "Fictional.", "objection_reasons_text": ""}  # fmt: skip
    client.post(_url("bestinterestsdetermination", "change", bid.pk), post)
    response = _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    assert any("(BID_REQUIRED.OBJECTION_NOT_ADDRESSED)" in m for m in _messages(response))
    client.post(_url("bestinterestsdetermination", "change", bid.pk),
                {**post, "objection_reasons_text": "Fictional: safer with her aunt."})  # fmt: skip
    _act(client, "bestinterestsdetermination", "decide", [bid.pk])
    bid.refresh_from_db()
    assert bid.decided_at is not None


def test_the_approver_who_sat_on_the_panel_is_refused_in_the_admin_another_approves(client, w):
    bid = ready_panel_draft(w)
    panel_member_add(actor=w.caseworker, determination=bid, member=w.supervisor, discipline=Discipline.OTHER)
    from apps.bestinterests.services import determination_decide, undertaking_sign

    undertaking_sign(actor=w.supervisor, determination=bid, at=NOW)
    determination_decide(actor=w.caseworker, determination=bid, at=NOW)
    response = _act(_login(client, w.supervisor), "bestinterestsdetermination", "approve", [bid.pk])
    assert any("(BID_REQUIRED.APPROVER_ON_PANEL)" in m for m in _messages(response))
    other = make_staff(supervisor_in(w.case.owning_agency))
    _act(_login(client, other), "bestinterestsdetermination", "approve", [bid.pk])
    bid.refresh_from_db()
    assert bid.approved_by == other


def test_the_child_told_without_how_to_seek_a_review_is_refused_in_the_admin(client, w):
    bid = approved_panel(w)
    _login(client, w.guardian)
    response = _act(client, "bestinterestsdetermination", "child_told", [bid.pk], confirm="yes", how="In person.")
    assert any("(BID_REQUIRED.REVIEW_NOT_EXPLAINED)" in m for m in _messages(response))
    _act(client, "bestinterestsdetermination", "child_told", [bid.pk], confirm="yes", how="In person.",
         review_explained="on")  # fmt: skip
    bid.refresh_from_db()
    assert bid.child_told_by == w.guardian


# --- Never edited -----------------------------------------------------------------------------------
def test_a_decided_determination_is_read_only_in_the_admin_and_unchanged_by_attempts(client, w):
    bid = decided_panel(w)
    before = (bid.recommendation, bytes(bid.reasons), bid.panel.count(), bid.options.count())
    _login(client, w.caseworker)
    page = client.get(_url("bestinterestsdetermination", "change", bid.pk))
    assert page.status_code == 200
    assert 'name="reasons_text"' not in page.content.decode()
    assert "Fictional reasons." in unescape(page.content.decode())
    post = client.post(_url("bestinterestsdetermination", "change", bid.pk),
                       {"recommendation": SolutionKind.RESETTLEMENT, "reasons_text": "Rewritten."})  # fmt: skip
    assert post.status_code == 403
    response = _act(client, "panelmember", "remove", [bid.panel.first().pk])
    assert any("(BID_REQUIRED.ALREADY_DECIDED)" in m for m in _messages(response))
    response = _act(client, "optionweighed", "remove", [bid.options.first().pk])
    assert any("(BID_REQUIRED.ALREADY_DECIDED)" in m for m in _messages(response))
    response = client.post(_url("bestinterestsdetermination", "add"), {"case": w.case.pk, "kind": "panel"})
    assert "(BID_REQUIRED.ALREADY_DECIDED)" in unescape(response.content.decode())
    bid.refresh_from_db()
    assert (bid.recommendation, bytes(bid.reasons), bid.panel.count(), bid.options.count()) == before


# --- Reviews ---------------------------------------------------------------------------------------
def test_the_guardian_asks_for_a_review_in_the_admin(client, w):
    bid = approved_panel(w)
    _login(client, w.guardian)
    response = client.post(_url("bestinterestsreview", "add"),
                           {"determination": bid.pk, "reason_text": "Fictional: the aunt moved away."})  # fmt: skip
    assert response.status_code == 302
    assert BestInterestsReview.objects.filter(determination=bid, requested_by=w.guardian).exists()
    assert Alert.objects.filter(kind=AlertKind.BID_REVIEW_REQUESTED, case=w.case).exists()


def test_a_guardian_of_another_child_cannot_see_or_review_it(client, w):
    bid = approved_panel(w)
    stranger = world()
    make_staff(stranger.guardian)
    _login(client, stranger.guardian)
    assert client.get(_url("bestinterestsdetermination", "change", bid.pk)).status_code == 404
    response = client.post(_url("bestinterestsreview", "add"), {"determination": bid.pk, "reason_text": "x"})
    assert response.status_code == 200  # not a valid choice
    assert not BestInterestsReview.objects.exists()
