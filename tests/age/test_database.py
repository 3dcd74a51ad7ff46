"""What the database holds by itself, whatever path writes: no genital or nude examination, the
opening conditions of an assessment, and history that is never rewritten."""

from datetime import date

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from apps.age import services
from apps.age.models import AgeAssessment, AssessmentMethod, DocumentEvent, DocumentKind, MethodOutcome
from tests.age.factories import DAY, T0, approved_range, open_assessment, world
from tests.cases.sealed import stored

pytestmark = pytest.mark.django_db


def test_the_database_knows_no_genital_examination():
    w = world()
    assessment = open_assessment(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentMethod.objects.create(
            assessment=assessment, kind="genital_examination", outcome=MethodOutcome.CONCLUSIVE,
            recorded_by=w.caseworker, recorded_at=T0,
        )  # fmt: skip


def test_the_database_refuses_an_assessment_without_consent():
    w = world()
    assessment = open_assessment(w)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgeAssessment.objects.filter(pk=assessment.pk).update(consent_told_no_penalty=False)


def test_an_approved_assessment_is_never_changed():
    w = world()
    assessment = approved_range(w, youngest=19, oldest=21)
    with pytest.raises(DatabaseError), transaction.atomic():
        AgeAssessment.objects.filter(pk=assessment.pk).update(appeal_period_ends_at=T0 + 400 * DAY)
    with pytest.raises(DatabaseError), transaction.atomic():
        AgeAssessment.objects.filter(pk=assessment.pk).delete()


def test_a_flag_is_never_rewritten_or_removed():
    w = world()
    document = services.identity_document_record(
        actor=w.caseworker, case=w.case, kind=DocumentKind.PASSPORT, issuing_country="NG", birth_date=date(2003, 1, 1),
        at=T0,
    )  # fmt: skip
    services.identity_document_flag(actor=w.caseworker, document=document, reason="Forged stamp.", at=T0 + DAY)
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentEvent.objects.filter(document=document).update(reason=None)
    with pytest.raises(DatabaseError), transaction.atomic():
        DocumentEvent.objects.filter(document=document).delete()
    assert stored(DocumentEvent.objects.get(document=document), "reason", w.case) == "Forged stamp."
