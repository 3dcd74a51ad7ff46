"""An identity document's flags gate the presumption of minority (R2): each change has its
reason, one that may end the presumption is a supervisor's, all are kept in the child's
gating-fact history; decisions on age keep the facts they relied on (issue 10, 2a)."""

from datetime import date

import pytest

from apps.age import services
from apps.age.models import AdultTreatmentPurpose, DocumentEvent, DocumentKind, IdentityDocument
from apps.cases.models import GatingFactChange
from apps.cases.services import facts_reliance_for
from apps.core.rules import RuleViolation
from tests.age.factories import DAY, T0, approved_range, world
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db
NO_REASON = "PRESUMED_MINOR.FACT_CHANGE_NO_REASON"
NEEDS_SUPERVISOR = "PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR"


@pytest.fixture
def w():
    return world()


def _document(w, **kw) -> IdentityDocument:
    return services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="MA", birth_date=date(2000, 1, 1),
        at=T0, **kw,
    )  # fmt: skip


def _history(document, fact):
    return list(GatingFactChange.objects.filter(subject=f"identity document {document.pk}", fact=fact).order_by("pk"))


def test_flagging_a_document_without_a_reason_is_refused_and_nothing_is_recorded(w):
    document = _document(w)
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_flag(actor=w.caseworker, document=document, reason=" ", at=T0 + DAY)
    assert refused.value.codes == [NO_REASON]
    assert not document.events.exists()


def test_a_caseworker_flags_a_document_with_a_reason_and_the_change_is_kept(w):
    document = _document(w)
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged stamp.", at=T0 + DAY)
    (change,) = _history(document, "identity_document_flag")
    assert (change.before, change.after, change.lifts_protection, change.approved_by) == (False, True, False, None)
    assert (change.rule, change.actor, change.at) == ("PRESUMED_MINOR", w.caseworker, T0 + DAY)
    assert stored(change, "reason", w.case) == "Forged stamp."


def test_a_caseworker_cannot_withdraw_a_flag_and_a_supervisor_does_so_with_a_reason_named_in_the_history(w):
    document = _document(w)
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged stamp.", at=T0 + DAY)
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_flag_withdraw(actor=w.caseworker, document=document, reason="Genuine.",
                                                 at=T0 + 2 * DAY)  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_flag_withdraw(actor=w.supervisor, document=document, reason="", at=T0 + 2 * DAY)
    assert refused.value.codes == [NO_REASON]
    services.identity_document_flag_withdraw(actor=w.supervisor, document=document,
                                             reason="The embassy confirmed it.", at=T0 + 2 * DAY)  # fmt: skip
    withdrawn = _history(document, "identity_document_flag")[-1]
    assert (withdrawn.before, withdrawn.after, withdrawn.lifts_protection) == (True, False, True)
    assert withdrawn.approved_by == w.supervisor


def test_the_guardian_cannot_withdraw_a_flag(w):
    document = _document(w)
    services.identity_document_flag(actor=w.guardian, document=document, reason="The child says so.", at=T0 + DAY)
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_flag_withdraw(actor=w.guardian, document=document, reason="Genuine.",
                                                 at=T0 + 2 * DAY)  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]


def test_a_dispute_recorded_with_the_document_is_kept_as_a_change(w):
    document = _document(w, disputed=True, dispute_reason="Says it was bought for the journey.")
    (change,) = _history(document, "identity_document_dispute")
    assert (change.before, change.after, change.lifts_protection) == (False, True, False)
    assert stored(change, "reason", w.case) == "Says it was bought for the journey."


def test_a_caseworker_records_a_dispute_with_a_reason_but_only_a_supervisor_its_end(w):
    document = _document(w)
    services.identity_document_dispute(actor=w.caseworker, document=document, disputed=True,
                                       reason="Says it is not his.", at=T0 + DAY)  # fmt: skip
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_dispute(actor=w.caseworker, document=document, disputed=False,
                                           reason="Now says it is his.", at=T0 + 2 * DAY)  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    services.identity_document_dispute(actor=w.supervisor, document=document, disputed=False,
                                       reason="Now says it is his.", at=T0 + 2 * DAY)  # fmt: skip
    assert [(c.after, c.lifts_protection, c.approved_by) for c in _history(document, "identity_document_dispute")] == [
        (True, False, None), (False, True, w.supervisor)
    ]  # fmt: skip


def test_accepting_a_document_the_childs_own_claim_disputes_is_a_lifting_change(w):
    document = _document(w)
    services.age_claim_record(actor=w.caseworker, case=w.case, birth_date=date(2010, 5, 1), at=T0 + DAY)
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_dispute(actor=w.caseworker, document=document, disputed=False,
                                           reason="Told the interpreter it is his.", at=T0 + 2 * DAY)  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    services.identity_document_dispute(actor=w.supervisor, document=document, disputed=False,
                                       reason="Told the interpreter it is his.", at=T0 + 2 * DAY)  # fmt: skip
    (change,) = _history(document, "identity_document_dispute")
    assert (change.before, change.after, change.approved_by) == (True, False, w.supervisor)


def test_a_withdrawal_that_changes_nothing_now_is_still_a_supervisors_and_leaves_no_history(w):
    document = _document(w)
    with pytest.raises(RuleViolation) as refused:
        services.identity_document_flag_withdraw(actor=w.caseworker, document=document, reason="Genuine.",
                                                 at=T0 + DAY)  # fmt: skip
    assert refused.value.codes == [NEEDS_SUPERVISOR]
    services.identity_document_flag_withdraw(actor=w.supervisor, document=document, reason="Genuine.", at=T0 + DAY)
    assert document.events.get().kind == DocumentEvent.Kind.FLAG_WITHDRAWN
    assert _history(document, "identity_document_flag") == []


def test_an_approved_conclusion_keeps_the_facts_it_relied_on_and_a_later_flag_does_not_rewrite_them(w):
    document = _document(w)
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged stamp.", at=T0 + DAY)
    flagged = _history(document, "identity_document_flag")[-1]
    assessment = approved_range(w, youngest=15, oldest=17, opened=T0 + 2 * DAY)
    reliance = facts_reliance_for(assessment, step="approved")
    assert reliance is not None
    assert reliance.facts["unaccompanied"] is True
    assert reliance.at == T0 + 4 * DAY  # the approval's; the opening keeps its own
    assert reliance.last_change == flagged
    assert reliance.decision_label.endswith("(approved)")
    assert facts_reliance_for(assessment).at == T0 + 2 * DAY
    services.identity_document_flag_withdraw(actor=w.supervisor, document=document, reason="The embassy confirmed it.",
                                             at=T0 + 5 * DAY)  # fmt: skip
    assert facts_reliance_for(assessment, step="approved").last_change == flagged


def test_treating_the_person_as_an_adult_keeps_the_document_flags_it_relied_on(w):
    document = _document(w)
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged stamp.", at=T0 + DAY)
    services.identity_document_flag_withdraw(actor=w.supervisor, document=document, reason="The embassy confirmed it.",
                                             at=T0 + 2 * DAY)  # fmt: skip
    treatment = services.adult_treatment_record(actor=w.caseworker, case=w.case,
                                                 purpose=AdultTreatmentPurpose.ADULT_SERVICES,
                                                 reason="Referred to the adult centre.", at=T0 + 3 * DAY)  # fmt: skip
    reliance = facts_reliance_for(treatment)
    assert reliance is not None
    assert reliance.last_change == _history(document, "identity_document_flag")[-1]
