"""Every write about a person's age (R2): documents, claims, external decisions, assessments,
appeals, and anything that would treat the person as an adult.

Birth dates, and the text people type about the child (reasons, the consent, challenges, what
the child was told), are sealed with the child's data key. Each service refuses a case the
actor may not see with a 404, says what it guarantees, and is atomic. None of them is needed
before, or stands in the way of, urgent protection.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, Membership, Role, User
from apps.age import rules
from apps.age.dates import ADULT_AGE, earliest_birth_date, is_adult_on, latest_birth_date
from apps.age.models import (
    URGENT_PURPOSES,
    AdultTreatment,
    AdultTreatmentPurpose,
    AgeAppeal,
    AgeAssessment,
    AgeClaim,
    AppealOutcome,
    AssessmentMethod,
    AssessmentProfessional,
    AssessmentResult,
    AssessmentStatus,
    Discipline,
    DocumentEvent,
    DocumentKind,
    ExternalAgeDecision,
    IdentityDocument,
    MethodKind,
    MethodOutcome,
    ResultGround,
)
from apps.age.rules import Consent, Professional
from apps.age.selectors import claims_made, contradicting_claims, document_status, local_day, opened_date, presumption
from apps.alerts.models import AlertKind
from apps.alerts.services import alert_raise
from apps.cases import vault
from apps.cases.access import Action, cases_for, require
from apps.cases.models import Case, Child, GatingFact
from apps.cases.services import facts_reliance_record, gating_fact_change_check, gating_fact_change_record
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.guardianship.selectors import active_appointment

IN_PROGRESS = (AssessmentStatus.OPEN, AssessmentStatus.CONCLUDED)
# The last days of an appeal period bring a reminder (the periodic check).
APPEAL_REMINDER = timedelta(days=7)
# How long after an appeal period ends the periodic check still tells the caseworker.
APPEAL_ENDED_NOTICE = timedelta(days=30)
OLDEST_AGE = 40  # an assessed range beyond this is a typing error, not an assessment


# --- Access and sealing ------------------------------------------------------------------------
def _may_see(actor: User, case: Case) -> None:
    """Anyone who may act on the case (caseworker, supervisor, the active guardian); else 404
    (403 for someone who only reads it: a partner agency, a grant, break-glass)."""
    require(actor, Action.WORK_OR_GUARD, case)


def _require(actor: User, action: Action, case: Case, refusal: str) -> None:
    """The access policy's answer (404 for a case out of sight), a refusal said in this area's words."""
    try:
        require(actor, action, case)
    except PermissionDenied:
        raise PermissionDenied(refusal) from None


def _require_case_worker(actor: User, case: Case) -> None:
    """A caseworker or supervisor of the owning agency who sees the case."""
    _require(actor, Action.WORK, case, _("Only caseworkers and supervisors of the agency holding the case do this."))


def _require_supervisor(actor: User, case: Case) -> None:
    _require(actor, Action.SUPERVISE, case, _("Only a supervisor of the agency holding the case does this."))


def _seal(case: Case, model: type[models.Model], column: str, value: Any) -> bytes | None:
    child = case.child
    return vault.seal(child, vault.data_key(child), model, column, value)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# What kind of date each input is (apps/core/dates.py: never in the future, never before its floor).
_DATE_KINDS = {
    "birth_date": (core_dates.BIRTH, _lazy("birth date")),
    "earliest_birth_date": (core_dates.BIRTH, _lazy("earliest birth date")),
    "decided_on": (core_dates.CASE_EVENT, _lazy("date of the decision")),
}


def _not_after(day: date, moment: datetime, case: Case, field: str) -> None:
    kind, label = _DATE_KINDS[field]
    core_dates.refuse_implausible(day, kind, field=label, at=moment, today=local_day(moment, case))


def _reason(text: str, field: str = "reason") -> str:
    if not text.strip():
        raise ValidationError({field: _("Say why.")})
    return text.strip()


def child_has_disabilities(child: Child) -> bool:
    """Whether the child's sealed record names a disability or support need (read from the row now)."""
    sealed = Child.objects.filter(pk=child.pk).values_list("disabilities", flat=True).first()
    return bool(vault.open_sealed(child, vault.data_key(child), Child, "disabilities", sealed))


# --- Documents, claims, external decisions -----------------------------------------------------
@transaction.atomic
def identity_document_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    issuing_country: str,
    birth_date: date,
    disputed: bool = False,
    dispute_reason: str = "",
    at: datetime | None = None,
) -> IdentityDocument:
    """Record an identity document and the birth date it shows (sealed).

    It counts as genuine unless flagged. If the person disputes it, that is recorded with it
    (an event at the same moment), and it does not end the presumption.
    """
    _may_see(actor, case)
    moment = at or timezone.now()
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown kind of document.")})
    _not_after(birth_date, moment, case, "birth_date")
    document = IdentityDocument(
        case=case, kind=kind, issuing_country=issuing_country.strip().upper(), recorded_by=actor, recorded_at=moment
    )
    document.full_clean(exclude=["case", "recorded_by", "birth_date"])
    document.birth_date = _seal(case, IdentityDocument, "birth_date", birth_date.isoformat())
    document.save()
    if disputed:
        reason = _reason(dispute_reason, "dispute_reason")
        before = _gating_flags(document, moment)[GatingFact.IDENTITY_DOCUMENT_DISPUTE]
        DocumentEvent.objects.create(
            document=document, kind=DocumentEvent.Kind.DISPUTED, by=actor, at=moment,
            reason=_seal(case, DocumentEvent, "reason", reason),
        )  # fmt: skip
        gating_fact_change_record(
            actor=actor, case=case, fact=GatingFact.IDENTITY_DOCUMENT_DISPUTE, before=before, after=True,
            reason=reason, subject=f"identity document {document.pk}", at=moment,
        )  # fmt: skip
    return document


# Which gating fact each event sets, and to what (apps/cases/rules.py: both flags protect).
EVENT_FACTS: dict[str, tuple[GatingFact, bool]] = {
    DocumentEvent.Kind.FLAGGED: (GatingFact.IDENTITY_DOCUMENT_FLAG, True),
    DocumentEvent.Kind.FLAG_WITHDRAWN: (GatingFact.IDENTITY_DOCUMENT_FLAG, False),
    DocumentEvent.Kind.DISPUTED: (GatingFact.IDENTITY_DOCUMENT_DISPUTE, True),
    DocumentEvent.Kind.DISPUTE_WITHDRAWN: (GatingFact.IDENTITY_DOCUMENT_DISPUTE, False),
}


def _gating_flags(document: IdentityDocument, at: datetime) -> dict[str, bool]:
    """The document's two gating facts at `at`: flagged as possibly false; disputed — by a
    recorded dispute, or by a later birth date the child claimed since they last accepted it
    (as the presumption reads it, so that accepting such a document is a lifting change)."""
    status = document_status(document, at)
    disputed = status.disputed
    if not disputed:
        # Opened inside the actor's own write, to compare; never shown.
        child = document.case.child
        key = vault.data_key(child)
        born = opened_date(child, key, IdentityDocument, "birth_date", document.birth_date)
        disputed = born is not None and bool(
            contradicting_claims(status, claims_made(child, key, at), younger_than=born)
        )
    return {GatingFact.IDENTITY_DOCUMENT_FLAG: status.flagged, GatingFact.IDENTITY_DOCUMENT_DISPUTE: disputed}


def _document_event(
    *, actor: User, document: IdentityDocument, kind: str, reason: str, at: datetime | None
) -> DocumentEvent:
    """Record a flag or dispute event: both are gating facts of PRESUMED_MINOR.

    A change needs its reason (PRESUMED_MINOR.FACT_CHANGE_NO_REASON) and is kept in the
    child's gating-fact history. Withdrawing a flag or a dispute may end the presumption: a
    supervisor of the agency's (PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR) — even one that
    changes nothing now, since it settles claims recorded later with an earlier date.
    """
    moment = at or timezone.now()
    # Locked: two events on one document are decided one after the other, each on the state the other left.
    current = IdentityDocument.objects.select_for_update(of=("self",)).select_related("case__child").get(pk=document.pk)
    if moment < current.recorded_at:
        raise ValidationError(_("The document was recorded after this moment."))
    fact, after = EVENT_FACTS[kind]
    before = _gating_flags(current, moment)[fact]
    found = Violations()
    gating_fact_change_check(
        found, actor=actor, case=current.case, fact=fact, before=before, after=after, reason=reason
    )
    if not after and not before:
        is_supervisor = cases_for(actor, Action.SUPERVISE).filter(pk=current.case_id).exists()
        found.check(is_supervisor, "PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR", fact=GatingFact(fact).label)
    found.raise_if_any()
    text = _reason(reason)
    gating_fact_change_record(
        actor=actor, case=current.case, fact=fact, before=before, after=after, reason=text,
        subject=f"identity document {current.pk}", at=moment,
    )  # fmt: skip
    return DocumentEvent.objects.create(
        document=current, kind=kind, reason=_seal(current.case, DocumentEvent, "reason", text), by=actor, at=moment
    )


@transaction.atomic
def identity_document_flag(
    *, actor: User, document: IdentityDocument, reason: str, at: datetime | None = None
) -> DocumentEvent:
    """Flag a document as possibly false (by whom, why): from then on it ends nothing."""
    _may_see(actor, document.case)
    return _document_event(actor=actor, document=document, kind=DocumentEvent.Kind.FLAGGED, reason=reason, at=at)


@transaction.atomic
def identity_document_flag_withdraw(
    *, actor: User, document: IdentityDocument, reason: str, at: datetime | None = None
) -> DocumentEvent:
    """A supervisor withdraws the flag once the document is shown genuine (it may end the
    presumption: PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR for anyone else)."""
    _may_see(actor, document.case)
    return _document_event(actor=actor, document=document, kind=DocumentEvent.Kind.FLAG_WITHDRAWN, reason=reason, at=at)


@transaction.atomic
def identity_document_dispute(
    *, actor: User, document: IdentityDocument, disputed: bool, reason: str, at: datetime | None = None
) -> DocumentEvent:
    """Record that the person disputes the document, or no longer does, and why.

    Anyone who may act on the case records a dispute; only a supervisor records that the
    person no longer disputes it, which may end the presumption of minority (a change that
    lifts a protection: PRESUMED_MINOR.FACT_CHANGE_NEEDS_SUPERVISOR for anyone else). It
    settles the claims the child made before it, not later ones.
    """
    _may_see(actor, document.case)
    kind = DocumentEvent.Kind.DISPUTED if disputed else DocumentEvent.Kind.DISPUTE_WITHDRAWN
    return _document_event(actor=actor, document=document, kind=kind, reason=reason, at=at)


@transaction.atomic
def age_claim_record(*, actor: User, case: Case, birth_date: date, at: datetime | None = None) -> AgeClaim:
    """Record the birth date the child gives (sealed). A claim never ends the presumption."""
    _may_see(actor, case)
    moment = at or timezone.now()
    _not_after(birth_date, moment, case, "birth_date")
    claim = AgeClaim(case=case, recorded_by=actor, recorded_at=moment)
    claim.birth_date = _seal(case, AgeClaim, "birth_date", birth_date.isoformat())
    claim.save()
    return claim


@transaction.atomic
def external_decision_record(
    *,
    actor: User,
    case: Case,
    authority: str,
    authority_country: str,
    decided_on: date,
    earliest_birth_date: date,
    latest_birth_date: date,
    at: datetime | None = None,
) -> ExternalAgeDecision:
    """Record another authority's age decision: external and challengeable, ending nothing by itself.

    A single birth date is given as the same earliest and latest date.
    """
    _may_see(actor, case)
    moment = at or timezone.now()
    if earliest_birth_date > latest_birth_date:
        raise ValidationError({"earliest_birth_date": _("The earliest birth date comes after the latest.")})
    _not_after(decided_on, moment, case, "decided_on")
    _not_after(earliest_birth_date, moment, case, "earliest_birth_date")
    if latest_birth_date > decided_on:
        raise ValidationError({"latest_birth_date": _("The latest birth date comes after the decision.")})
    decision = ExternalAgeDecision(
        case=case,
        authority=authority.strip(),
        authority_country=authority_country.strip().upper(),
        decided_on=decided_on,
        found_adult=is_adult_on(latest_birth_date, decided_on),
        recorded_by=actor,
        recorded_at=moment,
    )
    decision.full_clean(exclude=["case", "recorded_by", "challenged_by"])
    decision.earliest_birth_date = _seal(case, ExternalAgeDecision, "earliest_birth_date", _iso(earliest_birth_date))
    decision.latest_birth_date = _seal(case, ExternalAgeDecision, "latest_birth_date", _iso(latest_birth_date))
    decision.save()
    return decision


@transaction.atomic
def external_decision_challenge(
    *, actor: User, decision: ExternalAgeDecision, challenge: str, at: datetime | None = None
) -> ExternalAgeDecision:
    """Record how the external decision is being challenged (the first challenge stays)."""
    _may_see(actor, decision.case)
    text = _reason(challenge, "challenge")
    ExternalAgeDecision.objects.filter(pk=decision.pk, challenged_at__isnull=True).update(
        challenged_at=at or timezone.now(),
        challenged_by=actor,
        challenge=_seal(decision.case, ExternalAgeDecision, "challenge", text),
    )
    decision.refresh_from_db()
    return decision


# --- Assessments -------------------------------------------------------------------------------
def _locked(assessment: AgeAssessment) -> AgeAssessment:
    return (
        AgeAssessment.objects.select_for_update()
        .select_related("case__child", "case__owning_agency")
        .get(pk=assessment.pk)
    )


def _require_status(assessment: AgeAssessment, *statuses: str) -> None:
    if assessment.status not in statuses:
        raise ValidationError(
            _("Not possible while the assessment is “%(status)s”.") % {"status": assessment.get_status_display()}
        )


@transaction.atomic
def assessment_open(
    *,
    actor: User,
    case: Case,
    last_resort_reason: str,
    consent: Consent,
    professionals: Sequence[Professional],
    child_has_disability: bool = False,
    disability_adaptation: str = "",
    at: datetime | None = None,
) -> AgeAssessment:
    """Open an age assessment, the last resort, only with every condition met.

    Refuses with all that is missing at once: an active representative or guardian
    (GUARDIAN_REQUIRED for a child who needs one; AGE_ASSESSMENT_NOT_ALLOWED.NO_GUARDIAN to
    oversee it in any case), the reason documents and interviews could not settle the age,
    the child's informed consent, two professionals of different disciplines, the
    adaptation to a disability (from the child's record or as stated here), and the child's
    views on the assessment (CHILD_VIEWS_REQUIRED). One assessment at a time per case.
    """
    _require_case_worker(actor, case)
    moment = at or timezone.now()
    Case.objects.select_for_update().filter(pk=case.pk).first()  # two openings at once meet here
    if AgeAssessment.objects.filter(case=case, status__in=IN_PROGRESS).exists():
        raise ValidationError(_("An age assessment of this child is already in progress."))
    for professional in professionals:
        if professional.name.strip() and professional.discipline not in Discipline.values:
            raise ValidationError({"professionals": _("Unknown discipline.")})
    overseer = active_appointment(case=case, at=moment)
    disability = child_has_disability or child_has_disabilities(case.child)
    found = Violations()
    rules.assessment_may_open(
        found,
        case=case,
        at=moment,
        last_resort_reason=last_resort_reason,
        overseer=overseer,
        consent=consent,
        professionals=professionals,
        disability=disability,
        disability_adaptation=disability_adaptation,
    )
    found.raise_if_any()
    assert overseer is not None  # noqa: S101 - held by the rule above
    assessment = AgeAssessment(
        case=case,
        last_resort_reason=_seal(case, AgeAssessment, "last_resort_reason", last_resort_reason.strip()),
        overseen_by=overseer,
        consent_given=consent.given,
        consent_language=_seal(case, AgeAssessment, "consent_language", consent.language.strip()),
        consent_explanation=_seal(case, AgeAssessment, "consent_explanation", consent.explanation.strip()),
        consent_told_no_penalty=consent.told_no_penalty,
        child_has_disability=disability,
        opened_by=actor,
        opened_at=moment,
    )
    assessment.disability_adaptation = _seal(
        case, AgeAssessment, "disability_adaptation", disability_adaptation.strip()
    )
    assessment.save()
    AssessmentProfessional.objects.bulk_create(
        AssessmentProfessional(assessment=assessment, name=p.name.strip(), discipline=p.discipline)
        for p in professionals
        if p.name.strip()
    )
    facts_reliance_record(actor=actor, case=case, decision=assessment, at=moment)  # the gating facts it relied on
    return assessment


@transaction.atomic
def assessment_method_record(
    *,
    actor: User,
    assessment: AgeAssessment,
    kind: str,
    outcome: str,
    findings: str = "",
    involves_undressing: bool = False,
    at: datetime | None = None,
) -> AssessmentMethod:
    """Record a method used, least intrusive first.

    Refuses a genital or nude examination, whatever it is called, and a medical method
    before a psycho-social assessment has been recorded as inconclusive. A method the child
    declined is recorded as declined: that is never held against them.
    """
    _require_case_worker(actor, assessment.case)
    current = _locked(assessment)
    _require_status(current, AssessmentStatus.OPEN)
    moment = at or timezone.now()
    earlier = list(current.methods.all())
    found = Violations()
    rules.method_allowed(found, kind=kind, involves_undressing=involves_undressing, earlier=earlier)
    found.raise_if_any()
    if kind not in MethodKind.values:
        raise ValidationError({"kind": _("Unknown method.")})
    if outcome not in MethodOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if moment < current.opened_at or any(moment < m.recorded_at for m in earlier):
        raise ValidationError(_("Methods are recorded in the order they were used."))
    method = AssessmentMethod(assessment=current, kind=kind, outcome=outcome, recorded_by=actor, recorded_at=moment)
    method.findings = _seal(current.case, AssessmentMethod, "findings", findings.strip())
    method.save()
    return method


@transaction.atomic
def assessment_result_record(
    *,
    actor: User,
    assessment: AgeAssessment,
    youngest_age: int,
    oldest_age: int,
    grounds: Sequence[str],
    assessed_on: date | None = None,
    at: datetime | None = None,
) -> AgeAssessment:
    """Record the result as a range of ages, turned into a range of birth dates fixed on the
    assessment date (sealed), so that it ages correctly.

    Refuses a result resting on appearance or demeanour alone, or on no conclusive method,
    and a finding of adulthood that would rest on a refused medical examination.
    """
    _require_case_worker(actor, assessment.case)
    current = _locked(assessment)
    _require_status(current, AssessmentStatus.OPEN)
    moment = at or timezone.now()
    case = current.case
    day = assessed_on or local_day(moment, case)
    if not 0 <= youngest_age <= oldest_age <= OLDEST_AGE:
        raise ValidationError({"youngest_age": _("Give the youngest and the oldest possible age, youngest first.")})
    if not set(grounds) <= set(ResultGround.values):
        raise ValidationError({"grounds": _("Unknown ground.")})
    if not local_day(current.opened_at, case) <= day <= local_day(moment, case):
        raise ValidationError({"assessed_on": _("The assessment date falls between its opening and today.")})
    found = Violations()
    rules.result_allowed(
        found, grounds=grounds, methods=list(current.methods.all()), finds_adult=youngest_age >= ADULT_AGE
    )
    found.raise_if_any()
    earliest = earliest_birth_date(assessed_on=day, oldest_age=oldest_age)
    latest = latest_birth_date(assessed_on=day, youngest_age=youngest_age)
    AgeAssessment.objects.filter(pk=current.pk).update(
        status=AssessmentStatus.CONCLUDED,
        result=AssessmentResult.RANGE,
        assessed_on=day,
        earliest_birth_date=_seal(case, AgeAssessment, "earliest_birth_date", earliest.isoformat()),
        latest_birth_date=_seal(case, AgeAssessment, "latest_birth_date", latest.isoformat()),
        grounds=sorted(set(grounds)),
        result_recorded_by=actor,
        result_recorded_at=moment,
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def assessment_inconclusive_record(
    *, actor: User, assessment: AgeAssessment, at: datetime | None = None
) -> AgeAssessment:
    """Record that the assessment could not settle the age: the person stays a child."""
    _require_case_worker(actor, assessment.case)
    current = _locked(assessment)
    _require_status(current, AssessmentStatus.OPEN)
    AgeAssessment.objects.filter(pk=current.pk).update(
        status=AssessmentStatus.CONCLUDED,
        result=AssessmentResult.INCONCLUSIVE,
        result_recorded_by=actor,
        result_recorded_at=at or timezone.now(),
    )
    current.refresh_from_db()
    return current


@transaction.atomic
def assessment_conclusion_approve(
    *, actor: User, assessment: AgeAssessment, appeal_information: str, at: datetime | None = None
) -> AgeAssessment:
    """A supervisor approves the conclusion; the appeal period starts and is fixed now.

    Refuses without the guardian (GUARDIAN_REQUIRED), without the guardian's opinion on this
    assessment (GUARDIAN_OPINION_REQUIRED), and without telling the child how to appeal.
    For a range of ages the guardian and the caseworker are alerted to the appeal period.
    """
    _require_supervisor(actor, assessment.case)
    current = _locked(assessment)
    _require_status(current, AssessmentStatus.CONCLUDED)
    moment = at or timezone.now()
    if current.result_recorded_at is not None and moment < current.result_recorded_at:
        raise ValidationError(_("The conclusion is approved after its result was recorded."))
    found = Violations()
    rules.conclusion_may_be_approved(found, assessment=current, appeal_information=appeal_information, at=moment)
    found.raise_if_any()
    AgeAssessment.objects.filter(pk=current.pk).update(
        status=AssessmentStatus.APPROVED,
        approved_by=actor,
        approved_at=moment,
        appeal_information=_seal(current.case, AgeAssessment, "appeal_information", appeal_information.strip()),
        appeal_period_ends_at=moment + timedelta(days=settings.HAVEN_AGE_APPEAL_DAYS),
    )
    current.refresh_from_db()
    # The conclusion may end the presumption: keep which gating facts it was approved on.
    facts_reliance_record(actor=actor, case=current.case, decision=current, step="approved", at=moment)
    if current.result == AssessmentResult.RANGE:
        _appeal_period_alerts(current, at=moment, stage="age-appeal")
    return current


@transaction.atomic
def assessment_stop(
    *, actor: User, assessment: AgeAssessment, reason: str, at: datetime | None = None
) -> AgeAssessment:
    """Stop an assessment before approval (the child withdrew consent, say): no penalty, the
    person stays presumed a child."""
    _require_case_worker(actor, assessment.case)
    current = _locked(assessment)
    _require_status(current, *IN_PROGRESS)
    AgeAssessment.objects.filter(pk=current.pk).update(
        status=AssessmentStatus.STOPPED,
        stopped_at=at or timezone.now(),
        stop_reason=_seal(current.case, AgeAssessment, "stop_reason", _reason(reason)),
    )
    current.refresh_from_db()
    return current


# --- Appeals -----------------------------------------------------------------------------------
@transaction.atomic
def age_appeal_lodge(*, actor: User, assessment: AgeAssessment, grounds: str, at: datetime | None = None) -> AgeAppeal:
    """Lodge an appeal against an approved range of ages (the guardian, caseworker or supervisor).

    While it is pending the conclusion does not count. One pending appeal at a time; none
    once the conclusion has been overturned.
    """
    _may_see(actor, assessment.case)
    current = _locked(assessment)
    moment = at or timezone.now()
    if current.status != AssessmentStatus.APPROVED or current.result != AssessmentResult.RANGE:
        raise ValidationError(_("Only an approved range of ages can be appealed."))
    if current.approved_at is not None and moment < current.approved_at:
        raise ValidationError(_("An appeal is lodged after the conclusion was approved."))
    appeals = list(current.appeals.all())
    if any(a.decided_at is None for a in appeals):
        raise ValidationError(_("An appeal against this conclusion is already pending."))
    if any(a.outcome == AppealOutcome.OVERTURNED for a in appeals):
        raise ValidationError(_("This conclusion was overturned already."))
    if any(a.decided_at is not None and moment < a.decided_at for a in appeals):
        raise ValidationError(_("A further appeal is lodged after the last one was decided."))
    appeal = AgeAppeal(assessment=current, lodged_by=actor, lodged_at=moment)
    appeal.grounds = _seal(current.case, AgeAppeal, "grounds", _reason(grounds, "grounds"))
    appeal.save()
    return appeal


@transaction.atomic
def age_appeal_decide(
    *, actor: User, appeal: AgeAppeal, outcome: str, decided_by: str, at: datetime | None = None
) -> AgeAppeal:
    """Record the decision on an appeal: upheld (the conclusion counts from now) or overturned
    (it never counts). A decided appeal is never changed."""
    _require_case_worker(actor, appeal.assessment.case)
    current = AgeAppeal.objects.select_for_update().get(pk=appeal.pk)
    moment = at or timezone.now()
    if current.decided_at is not None:
        raise ValidationError(_("This appeal was decided already."))
    if outcome not in AppealOutcome.values:
        raise ValidationError({"outcome": _("Unknown outcome.")})
    if moment < current.lodged_at:
        raise ValidationError(_("An appeal is decided after it was lodged."))
    AgeAppeal.objects.filter(pk=current.pk).update(
        outcome=outcome,
        decided_at=moment,
        decided_by=_reason(decided_by, "decided_by"),
        decision_recorded_by=actor,
    )
    current.refresh_from_db()
    return current


# --- Treating the person as an adult -----------------------------------------------------------
@transaction.atomic
def adult_treatment_record(
    *, actor: User, case: Case, purpose: str, reason: str, urgent: bool = False, at: datetime | None = None
) -> AdultTreatment:
    """Record something that treats the person as an adult (services for adults, adult
    accommodation, ending child protection...).

    Refused with PRESUMED_MINOR while the person is presumed a child, with why a conclusion
    does not count yet. Records what ended the presumption. An urgent protective action —
    an emergency or safety placement where the only safe place is among adults — is never
    refused: it is recorded with its reason, and the supervisor and the guardian are
    alerted to review it.
    """
    _require_case_worker(actor, case)
    moment = at or timezone.now()
    if purpose not in AdultTreatmentPurpose.values:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    text = _reason(reason)
    if urgent and purpose not in URGENT_PURPOSES:
        raise ValidationError({"urgent": _("Only an emergency or safety placement is urgent protection.")})
    found = Violations()
    # Every purpose is declared in apps/age/adulthood.py: the registry's guard, like every app's.
    rules.adult_choice_guard(
        found, case=case, model="age.AdultTreatment", field="purpose", value=purpose, at=moment, urgent=urgent
    )
    found.raise_if_any()
    answer = presumption(child=case.child, at=moment)
    record = AdultTreatment.objects.create(
        case=case,
        purpose=purpose,
        reason=_seal(case, AdultTreatment, "reason", text),
        urgent=urgent,
        ended_by_document_id=answer.ended_by_documents[0] if answer.ended_by_documents else None,
        ended_by_assessment_id=answer.ended_by_assessments[0] if answer.ended_by_assessments else None,
        recorded_by=actor,
        recorded_at=moment,
    )
    # Treating the person as an adult was decided on the gating facts (documents' flags among them): keep which.
    facts_reliance_record(actor=actor, case=case, decision=record, at=moment)
    if urgent:
        _urgent_review_alerts(record, at=moment)
    return record


def _urgent_review_alerts(record: AdultTreatment, *, at: datetime) -> None:
    case = record.case
    due = at + timedelta(hours=settings.HAVEN_URGENT_REVIEW_HOURS)
    detail = f"{case.reference}: " + _("urgent placement among adults to review")
    alert_raise(
        kind=AlertKind.URGENT_ACTION_REVIEW, agency=case.owning_agency, role=Role.SUPERVISOR, case=case,
        key=f"age-urgent:{record.pk}", detail=detail, due_at=due, at=at,
    )  # fmt: skip
    appointment = active_appointment(case=case, at=at)
    if appointment is not None:
        guardian = appointment.guardian
        alert_raise(
            kind=AlertKind.URGENT_ACTION_GUARDIAN_REVIEW, agency=_guardian_agency(guardian, case, at), user=guardian,
            case=case, key=f"age-urgent:{record.pk}:{guardian.pk}", detail=detail, at=at,
        )  # fmt: skip


# --- Alerts: the appeal period -----------------------------------------------------------------
def _guardian_agency(guardian: User, case: Case, at: datetime) -> Agency:
    """The guardian's own authority; the case's agency for a guardian without one on file."""
    membership = (
        Membership.objects.active(at=at).filter(user=guardian, role=Role.GUARDIAN).select_related("agency").first()
    )
    return membership.agency if membership is not None else case.owning_agency


def _appeal_period_alerts(assessment: AgeAssessment, *, at: datetime, stage: str) -> int:
    """Tell the active guardian and the caseworker (or the supervisors) about the appeal period.

    Keyed by stage, assessment and person: raising again alerts no one twice, and a guardian
    appointed later is told too.
    """
    case = assessment.case
    ends = assessment.appeal_period_ends_at
    if ends is None:
        return 0
    until = local_day(ends, case).isoformat()
    messages = {
        "age-appeal": _("the child may appeal the age-assessment conclusion until %(date)s"),
        "age-appeal-ending": _("the appeal period of the age-assessment conclusion ends on %(date)s"),
        "age-appeal-ended": _("the appeal period ended on %(date)s without an appeal: the conclusion stands"),
    }
    detail = f"{case.reference}: " + messages[stage] % {"date": until}
    audience: list[tuple[Agency, str, User | None]] = []
    appointment = active_appointment(case=case, at=at)
    if appointment is not None and stage != "age-appeal-ended":
        audience.append((_guardian_agency(appointment.guardian, case, at), "", appointment.guardian))
    if case.assigned_caseworker is not None:
        audience.append((case.owning_agency, "", case.assigned_caseworker))
    else:
        audience.append((case.owning_agency, Role.SUPERVISOR, None))
    raised = 0
    for agency, role, user in audience:
        whom = f"user:{user.pk}" if user is not None else f"role:{role}"
        alert = alert_raise(
            kind=AlertKind.AGE_APPEAL_PERIOD, agency=agency, role=role, user=user, case=case,
            key=f"{stage}:{assessment.pk}:{whom}", detail=detail, due_at=ends, at=at,
        )  # fmt: skip
        raised += alert is not None
    return raised


def age_appeal_periods_alert(*, at: datetime | None = None) -> int:
    """The periodic check of appeal periods; idempotent (keyed alerts). Returns how many were raised.

    While a period runs with no appeal, the current guardian and caseworker are told (a
    guardian appointed since approval too), and reminded in its last days; when it has
    ended with no appeal, the caseworker is told the conclusion now stands.
    """
    moment = at or timezone.now()
    approved = (
        AgeAssessment.objects.filter(
            status=AssessmentStatus.APPROVED, result=AssessmentResult.RANGE, approved_at__lte=moment
        )
        .filter(appeals__isnull=True)
        .select_related("case__owning_agency", "case__assigned_caseworker")
    )
    raised = 0
    for assessment in approved.filter(appeal_period_ends_at__gt=moment).iterator():
        raised += _appeal_period_alerts(assessment, at=moment, stage="age-appeal")
        if assessment.appeal_period_ends_at and assessment.appeal_period_ends_at - moment <= APPEAL_REMINDER:
            raised += _appeal_period_alerts(assessment, at=moment, stage="age-appeal-ending")
    ended = approved.filter(appeal_period_ends_at__lte=moment, appeal_period_ends_at__gt=moment - APPEAL_ENDED_NOTICE)
    for assessment in ended.iterator():
        raised += _appeal_period_alerts(assessment, at=moment, stage="age-appeal-ended")
    return raised
