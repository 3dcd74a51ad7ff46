"""What people type about the child's age is sealed with the child's key: the table holds
ciphertext, and the admin still shows the words to the people who may see the case."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.age import services
from apps.age.models import AdultTreatmentPurpose, DocumentKind
from tests.age.factories import CONSENT, DAY, open_assessment, world
from tests.cases.sealed import raw as _raw
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db

LAST_RESORT = "Fictional: no papers, and the two interviews left his age open"
STOP = "Fictional: he withdrew consent after the first conversation"
FLAG = "Fictional: the stamp on the data page is smudged and redrawn"
CHALLENGE = "Fictional: the border unit went by his beard alone"
URGENT = "Fictional: the only safe bed tonight is in the night shelter for men"


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def w(now):
    w = world(appointed_at=now - 60 * DAY)
    for user in (w.caseworker, w.supervisor):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return w


@pytest.fixture
def records(w, now):
    assessment = open_assessment(w, at=now - DAY, last_resort_reason=LAST_RESORT)
    assessment = services.assessment_stop(actor=w.caseworker, assessment=assessment, reason=STOP, at=now)
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="NG",
        birth_date=date(2003, 1, 1), at=now - DAY,
    )  # fmt: skip
    event = services.identity_document_flag(actor=w.caseworker, document=document, reason=FLAG, at=now)
    decision = services.external_decision_record(
        actor=w.caseworker, case=w.case, authority="Border unit", authority_country="PT",
        decided_on=(now - 2 * DAY).date(), earliest_birth_date=date(2004, 1, 1), latest_birth_date=date(2004, 1, 1),
        at=now - DAY,
    )  # fmt: skip
    decision = services.external_decision_challenge(actor=w.caseworker, decision=decision, challenge=CHALLENGE, at=now)
    treatment = services.adult_treatment_record(
        actor=w.caseworker, case=w.case, purpose=AdultTreatmentPurpose.ADULT_ACCOMMODATION, reason=URGENT,
        urgent=True, at=now,
    )  # fmt: skip
    return {"assessment": assessment, "document": document, "event": event, "decision": decision,
            "treatment": treatment}  # fmt: skip


def test_the_table_holds_ciphertext_of_what_was_typed(w, records):
    typed = [
        (records["assessment"], "last_resort_reason", LAST_RESORT),
        (records["assessment"], "consent_explanation", CONSENT.explanation),
        (records["assessment"], "consent_language", CONSENT.language),
        (records["assessment"], "stop_reason", STOP),
        (records["event"], "reason", FLAG),
        (records["decision"], "challenge", CHALLENGE),
        (records["treatment"], "reason", URGENT),
    ]
    for record, column, text in typed:
        raw = _raw(record, column)
        assert text.encode() not in raw, column
        assert stored(record, column, w.case) == text


def test_the_admin_shows_the_words_to_the_caseworker(client, w, records):
    client.force_login(w.caseworker)
    pages = [
        ("ageassessment", records["assessment"], [LAST_RESORT, CONSENT.language, STOP]),
        ("identitydocument", records["document"], [FLAG]),
        ("externalagedecision", records["decision"], [CHALLENGE]),
        ("adulttreatment", records["treatment"], [URGENT]),
    ]
    for model, record, texts in pages:
        page = client.get(reverse(f"admin:age_{model}_change", args=[record.pk])).content.decode()
        for text in texts:
            assert text in page, (model, text)
