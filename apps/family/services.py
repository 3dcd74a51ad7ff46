"""Every write of the family app, and the periodic check of expiring security assessments.

A "relative" can be a trafficker (R4): verification of identity and relationship is
recorded with who, when and how, and never assumed; a family assessment states whether it
covers links to the exploitation. Tracing requests respect R8: nothing goes to the
authorities of the child's country of origin while protection is claimed or contact could
endanger the child or family. Names, whereabouts, contacts, findings and results are sealed
with the child's own key. Nothing here is urgent protection, and nothing here refuses it.
"""

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, AgencyKind, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.family import rules
from apps.family.models import (
    SECURITY_FACTORS,
    FamilyAssessment,
    FamilyConclusion,
    IdentityMethod,
    Relationship,
    RelationshipMethod,
    Relative,
    RiskSecurityAssessment,
    TracingChannel,
    TracingConsent,
    TracingNotDone,
    TracingNotDoneReason,
    TracingRequest,
    TracingStatus,
)
from apps.guardianship.selectors import active_appointments

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _required(value: str, field: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({field: message})
    return value.strip()


def _country(value: str, field: str, *, blank: bool = False) -> str:
    country = value.strip().upper()
    if (blank and not country) or re.fullmatch(r"[A-Z]{2}", country):
        return country
    raise ValidationError({field: _("Give the country's two-letter ISO 3166 code.")})


def _choice(value: str, choices: type[models.TextChoices], field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("“%(value)s” is not one of the choices.") % {"value": value}})
    return value


# What each moment records (apps/core/dates.py: it has happened, and not before a case's history).
_MOMENTS = {
    "verified_at": _lazy("verification date"),
    "completed_at": _lazy("completion date"),
    "sent_at": _lazy("date the request was sent"),
    "result_at": _lazy("date the results came"),
    "decided_at": _lazy("date of the decision"),
}


def _not_after(when: datetime, moment: datetime, field: str) -> datetime:
    core_dates.refuse_implausible(when, core_dates.CASE_EVENT, field=_MOMENTS[field], at=moment)
    return when


# --- Relatives ------------------------------------------------------------------------------
@transaction.atomic
def relative_record(
    *,
    actor: User,
    case: Case,
    relationship: str,
    names: str,
    whereabouts: str = "",
    contact: str = "",
    country: str = "",
    deceased: bool = False,
    suspected_link: bool = False,
    suspected_link_note: str = "",
    at: datetime | None = None,
) -> Relative:
    """Record a relative of the child, or another adult the child might be released to.

    Names, whereabouts, contact and why a link to the exploitation is suspected are sealed.
    Nothing is verified by recording: identity and relationship are verified separately.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    relationship = _choice(relationship, Relationship, "relationship")
    names = _required(names, "names", _("Record the person's names, or how the child calls them."))
    if suspected_link:
        suspected_link_note = _required(suspected_link_note, "suspected_link_note", _("Say why a link is suspected."))
    relative = Relative(
        case=case, relationship=relationship, country=_country(country, "country", blank=True), deceased=deceased,
        suspected_link=suspected_link, recorded_by=actor, recorded_at=at or timezone.now(),
    )  # fmt: skip
    relative.names = _seal(case, Relative, "names", names)
    relative.whereabouts = _seal(case, Relative, "whereabouts", whereabouts)
    relative.contact = _seal(case, Relative, "contact", contact)
    relative.suspected_link_note = _seal(case, Relative, "suspected_link_note", suspected_link_note)
    relative.save()
    return relative


def _locked_relative(actor: User, relative: Relative) -> tuple[Relative, Case]:
    locked = Relative.objects.select_for_update().get(pk=relative.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    return locked, case


@transaction.atomic
def relative_identity_verify(
    *,
    actor: User,
    relative: Relative,
    method: str,
    note: str,
    verified_at: datetime | None = None,
    at: datetime | None = None,
) -> Relative:
    """Record that the person's identity was verified: by the actor, when, how (a method and
    what was seen, sealed). Recorded once; a verification is never silently replaced."""
    locked, case = _locked_relative(actor, relative)
    moment = at or timezone.now()
    method = _choice(method, IdentityMethod, "method")
    note = _required(note, "note", _("Say what was seen or checked."))
    if locked.identity_verified_at is not None:
        raise ValidationError(_("This person's identity is already verified."))
    locked.identity_verified_at = _not_after(verified_at or moment, moment, "verified_at")
    locked.identity_verified_by = actor
    locked.identity_method = method
    locked.identity_note = _seal(case, Relative, "identity_note", note)
    locked.save(update_fields=["identity_verified_at", "identity_verified_by", "identity_method", "identity_note"])
    return locked


@transaction.atomic
def relative_relationship_verify(
    *,
    actor: User,
    relative: Relative,
    method: str,
    note: str,
    verified_at: datetime | None = None,
    at: datetime | None = None,
) -> Relative:
    """Record that the person's relationship to the child was verified (documents, DNA,
    consistent independent accounts...): by the actor, when, how. Recorded once."""
    locked, case = _locked_relative(actor, relative)
    moment = at or timezone.now()
    method = _choice(method, RelationshipMethod, "method")
    note = _required(note, "note", _("Say what the verification rests on."))
    if locked.relationship_verified_at is not None:
        raise ValidationError(_("This person's relationship to the child is already verified."))
    locked.relationship_verified_at = _not_after(verified_at or moment, moment, "verified_at")
    locked.relationship_verified_by = actor
    locked.relationship_method = method
    locked.relationship_note = _seal(case, Relative, "relationship_note", note)
    locked.save(update_fields=["relationship_verified_at", "relationship_verified_by", "relationship_method",
                               "relationship_note"])  # fmt: skip
    return locked


@transaction.atomic
def relative_suspected_link_set(*, actor: User, relative: Relative, suspected: bool, note: str) -> Relative:
    """Record that a link between this person and the exploitation is suspected, or that the
    suspicion is cleared — either way with the reason (sealed)."""
    locked, case = _locked_relative(actor, relative)
    note = _required(note, "note", _("Say why."))
    locked.suspected_link = suspected
    locked.suspected_link_note = _seal(case, Relative, "suspected_link_note", note)
    locked.save(update_fields=["suspected_link", "suspected_link_note"])
    return locked


# --- Family assessments -----------------------------------------------------------------------
@transaction.atomic
def family_assessment_complete(
    *,
    actor: User,
    relative: Relative,
    situation: str,
    income_and_housing: str,
    school_and_health_access: str,
    covers_exploitation_links: bool | None,
    conclusion: str,
    exploitation_links_findings: str = "",
    support_needed: str = "",
    completed_at: datetime | None = None,
    at: datetime | None = None,
) -> FamilyAssessment:
    """Record a completed family assessment of one relative's family.

    It must state whether it covers links to the exploitation — with its findings when it
    does, and it must when a link is suspected. "Suitable with support" names the support.
    Every text is sealed.
    """
    locked, case = _locked_relative(actor, relative)
    moment = at or timezone.now()
    errors: dict[str, str] = {}
    texts = {"situation": situation, "income_and_housing": income_and_housing,
             "school_and_health_access": school_and_health_access}  # fmt: skip
    for name, value in texts.items():
        if not value.strip():
            errors[name] = _("This part of the assessment is required.")
    if covers_exploitation_links is None:
        errors["covers_exploitation_links"] = _("State whether the assessment covers links to the exploitation.")
    elif covers_exploitation_links and not exploitation_links_findings.strip():
        errors["exploitation_links_findings"] = _("Record the findings on links to the exploitation.")
    elif not covers_exploitation_links and locked.suspected_link:
        errors["covers_exploitation_links"] = _(
            "A link to the exploitation is suspected: the assessment must cover it."
        )
    if conclusion not in FamilyConclusion.values:
        errors["conclusion"] = _("Choose the conclusion.")
    elif conclusion == FamilyConclusion.SUITABLE_WITH_SUPPORT and not support_needed.strip():
        errors["support_needed"] = _("Say which support the family needs.")
    if locked.deceased:
        errors["relative"] = _("This person is recorded as deceased.")
    if errors:
        raise ValidationError(errors)
    assessment = FamilyAssessment(
        case=case, relative=locked, covers_exploitation_links=bool(covers_exploitation_links), conclusion=conclusion,
        completed_at=_not_after(completed_at or moment, moment, "completed_at"), completed_by=actor,
        recorded_at=moment,
    )  # fmt: skip
    for name, value in {**texts, "exploitation_links_findings": exploitation_links_findings,
                        "support_needed": support_needed}.items():  # fmt: skip
        setattr(assessment, name, _seal(case, FamilyAssessment, name, value))
    assessment.save()
    return assessment


# --- Risk and security assessments -------------------------------------------------------------
@transaction.atomic
def security_assessment_complete(
    *,
    actor: User,
    case: Case,
    country: str,
    findings: dict[str, str],
    safe: bool,
    serious_harm_found: bool,
    relative: Relative | None = None,
    sources: str = "",
    completed_at: datetime | None = None,
    at: datetime | None = None,
) -> RiskSecurityAssessment:
    """Record a completed risk and security assessment of a move to `country` (and to the
    family of `relative` there, when named).

    Every factor R4 names has a finding (`findings`: family_situation, reprisal_risk,
    retrafficking_risk, access_to_protection, health_care, education); a real risk of
    serious harm is never "safe". It counts for HAVEN_SECURITY_ASSESSMENT_VALID_DAYS.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    country = _country(country, "country")
    errors: dict[str, str] = {}
    for name, label in SECURITY_FACTORS:
        if not findings.get(name, "").strip():
            errors[name] = _("Record the finding on %(factor)s.") % {"factor": str(label).lower()}
    if safe and serious_harm_found:
        errors["safe"] = _("A move with a real risk of serious harm is never safe.")
    if relative is not None and relative.case_id != case.pk:
        errors["relative"] = _("This person is not a relative recorded on this case.")
    if errors:
        raise ValidationError(errors)
    completed = _not_after(completed_at or moment, moment, "completed_at")
    assessment = RiskSecurityAssessment(
        case=case, country=country, relative=relative, safe=safe, serious_harm_found=serious_harm_found,
        completed_at=completed, completed_by=actor, recorded_at=moment,
        expires_at=completed + timedelta(days=settings.HAVEN_SECURITY_ASSESSMENT_VALID_DAYS),
    )  # fmt: skip
    for name, _label in SECURITY_FACTORS:
        setattr(assessment, name, _seal(case, RiskSecurityAssessment, name, findings[name]))
    assessment.sources = _seal(case, RiskSecurityAssessment, "sources", sources)
    assessment.save()
    return assessment


def _caseworker_alert(*, kind: str, case: Case, key: str, detail: str, due_at: datetime, at: datetime) -> Alert | None:
    """To the assigned caseworker by name; to the agency's supervisors when none is assigned."""
    if case.assigned_caseworker is not None:
        return alert_raise(kind=kind, agency=case.owning_agency, user=case.assigned_caseworker, case=case, key=key,
                           detail=detail, due_at=due_at, at=at)  # fmt: skip
    return alert_raise(kind=kind, agency=case.owning_agency, role=Role.SUPERVISOR, case=case, key=key, detail=detail,
                       due_at=due_at, at=at)  # fmt: skip


def security_assessments_expiring_alert(*, at: datetime | None = None) -> int:
    """Periodic: SECURITY_ASSESSMENT_EXPIRING to the caseworker once the latest assessment for
    a case and country is within HAVEN_SECURITY_ASSESSMENT_ALERT_DAYS of expiring.

    A newer assessment for the same country supersedes; closed cases are left alone. Keyed
    per assessment: running twice alerts once. Returns how many were raised.
    """
    moment = at or timezone.now()
    ahead = timedelta(days=settings.HAVEN_SECURITY_ASSESSMENT_ALERT_DAYS)
    newer = RiskSecurityAssessment.objects.filter(
        case=OuterRef("case"), country=OuterRef("country"), completed_at__gt=OuterRef("completed_at"),
        completed_at__lte=moment,
    )  # fmt: skip
    expiring = (
        RiskSecurityAssessment.objects.filter(
            completed_at__lte=moment, expires_at__gt=moment, expires_at__lte=moment + ahead
        )
        .exclude(case__state=CaseState.CLOSED)
        .exclude(Exists(newer))
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    raised = 0
    for assessment in expiring.iterator():
        detail = _("%(case)s: the risk and security assessment for %(country)s expires on %(date)s") % {
            "case": assessment.case.reference,
            "country": assessment.country,
            "date": f"{assessment.expires_at:%Y-%m-%d}",
        }
        alert = _caseworker_alert(
            kind=AlertKind.SECURITY_ASSESSMENT_EXPIRING, case=assessment.case, key=f"security-expiring:{assessment.pk}",
            detail=detail, due_at=assessment.expires_at, at=moment,
        )  # fmt: skip
        raised += alert is not None
    return raised


# --- Family tracing -------------------------------------------------------------------------
@transaction.atomic
def tracing_consent_record(
    *,
    actor: User,
    case: Case,
    country: str,
    words: str = "",
    guardian: User | None = None,
    document_date: date | None = None,
    document_reference: str = "",
    at: datetime | None = None,
) -> TracingConsent:
    """Record the guardian's consent to tracing the family through the authorities of `country`.

    The child's active guardian records their own consent (`guardian` is then themself). A
    caseworker or supervisor of the case enters it only by quoting a signed record: naming the
    guardian — active on the case now, and already appointed on the day they signed —, the
    document's date and its reference. Anyone else gets a 404; a caseworker's word alone is no
    consent. The guardian's words are sealed.
    """
    case = _load(case)
    moment = at or timezone.now()
    acting = active_appointments(at=moment).filter(case=case).order_by("-kind", "-starts_at")
    own = acting.filter(guardian=actor).first()
    reference = document_reference.strip()
    if own is not None:
        appointment = own
    else:
        require(actor, Action.WORK, case)
        core_dates.refuse_implausible(
            document_date, core_dates.CASE_EVENT, field=_lazy("date the consent was signed"), at=moment
        )
        errors: dict[str, str] = {}
        named = acting.filter(guardian=guardian).first() if guardian is not None else None
        if named is None:
            errors["guardian"] = _("Name the child's active guardian, who signed the consent.")
        if document_date is None:
            errors["document_date"] = _("Give the date the guardian signed the consent.")
        elif document_date > timezone.localdate(moment):
            errors["document_date"] = _("This cannot be in the future.")
        elif named is not None and document_date < timezone.localdate(named.starts_at):
            errors["document_date"] = _("The record was signed before this person was the child's guardian.")
        if not reference:
            errors["document_reference"] = _("Give the reference of the signed record.")
        if errors or named is None:
            raise ValidationError(errors)
        appointment = named
    consent = TracingConsent(
        case=case, appointment=appointment, guardian=appointment.guardian, country=_country(country, "country"),
        document_date=document_date, document_reference=reference, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    consent.words = _seal(case, TracingConsent, "words", words)
    consent.save()
    return consent


@transaction.atomic
def tracing_request_open(
    *,
    actor: User,
    case: Case,
    via: str,
    country: str,
    sought: str,
    counterpart: Agency | None = None,
    relative: Relative | None = None,
    child_views: str = "",
    guardian_consent: TracingConsent | None = None,
    sent_at: datetime | None = None,
    at: datetime | None = None,
) -> TracingRequest:
    """Send a request to trace the child's family, through a channel, in a country.

    Refuses, every violation at once, a request that would reach the authorities of the
    child's country of origin (a counterpart agency, the authorities or the police there):
    - SHARING_NOT_ALLOWED.COUNTRY_OF_ORIGIN while an asylum claim is pending, refugee status
      is held or a real risk of serious harm was found, or while the case records that
      contact could endanger the child or family — whatever the consent;
    - otherwise SHARING_NOT_ALLOWED.ORIGIN_WITHOUT_CHILD_VIEWS / .ORIGIN_WITHOUT_GUARDIAN_CONSENT
      without the child's informed views and the guardian's consent — `guardian_consent`, a
      record of the acting guardian for this country (`tracing_consent_record`), never a tick
      (GUARDIAN_REQUIRED when the child has no active guardian to give it).
    A standing reason why tracing is not done must be withdrawn first. Who is sought and the
    child's views are sealed; the consent and the guardian who gave it are named on the request.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    via = _choice(via, TracingChannel, "via")
    if via == TracingChannel.COUNTERPART_AGENCY:
        if counterpart is None or counterpart.kind != AgencyKind.FOREIGN_COUNTERPART:
            raise ValidationError({"counterpart": _("Choose the counterpart agency abroad.")})
        country = country or counterpart.country
        if country.strip().upper() != counterpart.country:
            raise ValidationError({"country": _("The counterpart agency works in %(country)s.")
                                   % {"country": counterpart.country}})  # fmt: skip
    elif counterpart is not None:
        raise ValidationError({"counterpart": _("A counterpart agency is named only for requests through one.")})
    country = _country(country, "country")
    if relative is not None and relative.case_id != case.pk:
        raise ValidationError({"relative": _("This person is not a relative recorded on this case.")})
    sought = _required(sought, "sought", _("Say who is sought and what is known of them."))
    if guardian_consent is not None and guardian_consent.case_id != case.pk:
        raise ValidationError({"guardian_consent": _("This consent is recorded on another case.")})
    found = Violations()
    rules.no_contact_with_origin_authorities(
        found, case=case, country=country, via=via, child_views=child_views, guardian_consent=guardian_consent,
        at=moment,
    )  # fmt: skip
    found.raise_if_any()
    standing = list(TracingNotDone.objects.filter(case=case, withdrawn_at__isnull=True))
    if standing:
        raise ValidationError(
            _("Tracing is recorded as not done (%(reasons)s): withdraw that record first.")
            % {"reasons": ", ".join(str(record.get_reason_display()) for record in standing)}
        )
    consents = guardian_consent is not None and rules.consent_stands(guardian_consent, case=case, country=country,
                                                                      at=moment)  # fmt: skip
    request = TracingRequest(
        case=case, relative=relative, via=via, counterpart=counterpart, country=country,
        guardian_consent=guardian_consent if consents else None,
        guardian_consent_by=guardian_consent.guardian if consents and guardian_consent else None,
        sent_at=_not_after(sent_at or moment, moment, "sent_at"), sent_by=actor, recorded_at=moment,
    )  # fmt: skip
    request.sought = _seal(case, TracingRequest, "sought", sought)
    request.child_views = _seal(case, TracingRequest, "child_views", child_views)
    request.save()
    return request


@transaction.atomic
def tracing_request_result(
    *,
    actor: User,
    request: TracingRequest,
    found: bool,
    results: str,
    result_at: datetime | None = None,
    at: datetime | None = None,
) -> TracingRequest:
    """Record what the tracing came back with: found or not found, with the results (sealed).
    Tracing with results counts as done for a best-interests determination."""
    locked = TracingRequest.objects.select_for_update().get(pk=request.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    results = _required(results, "results", _("Record the results."))
    if locked.status != TracingStatus.OPEN:
        raise ValidationError(_("Results are recorded on an open request only."))
    received = _not_after(result_at or moment, moment, "result_at")
    if received < locked.sent_at:
        raise ValidationError({"result_at": _("Results cannot come before the request was sent.")})
    locked.status = TracingStatus.FOUND if found else TracingStatus.NOT_FOUND
    locked.results = _seal(case, TracingRequest, "results", results)
    locked.result_at = received
    locked.result_recorded_by = actor
    locked.save(update_fields=["status", "results", "result_at", "result_recorded_by"])
    return locked


@transaction.atomic
def tracing_request_close(
    *, actor: User, request: TracingRequest, reason: str, at: datetime | None = None
) -> TracingRequest:
    """Close a request, with the reason (sealed: withdrawn, no longer needed, results acted on).
    Results already recorded stay, and still count as tracing done."""
    locked = TracingRequest.objects.select_for_update().get(pk=request.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    reason = _required(reason, "reason", _("Say why the request is closed."))
    if locked.status == TracingStatus.CLOSED:
        raise ValidationError(_("This request is already closed."))
    locked.status = TracingStatus.CLOSED
    locked.closed_at = at or timezone.now()
    locked.closed_by = actor
    locked.close_reason = _seal(case, TracingRequest, "close_reason", reason)
    locked.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    return locked


@transaction.atomic
def tracing_not_done_record(
    *,
    actor: User,
    case: Case,
    reason: str,
    explanation: str,
    decided_at: datetime | None = None,
    at: datetime | None = None,
) -> TracingNotDone:
    """Record why the family is not traced: unsafe, the child refuses, or a protection claim.
    It stands until withdrawn; a determination cites it. "Unsafe" also bars contact with the
    authorities of the country of origin (R8). The explanation is sealed."""
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    reason = _choice(reason, TracingNotDoneReason, "reason")
    explanation = _required(explanation, "explanation", _("Explain the reason."))
    record = TracingNotDone(
        case=case, reason=reason, decided_at=_not_after(decided_at or moment, moment, "decided_at"), decided_by=actor,
        recorded_at=moment,
    )  # fmt: skip
    record.explanation = _seal(case, TracingNotDone, "explanation", explanation)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise ValidationError(_("This reason is already recorded for the case.")) from exc
    return record


@transaction.atomic
def tracing_not_done_withdraw(
    *, actor: User, record: TracingNotDone, reason: str, at: datetime | None = None
) -> TracingNotDone:
    """Withdraw a reason why tracing is not done (the child now agrees, the danger has passed),
    saying why (sealed)."""
    locked = TracingNotDone.objects.select_for_update().get(pk=record.pk)
    case = _load(locked.case)
    require(actor, Action.WORK, case)
    reason = _required(reason, "reason", _("Say why it is withdrawn."))
    moment = at or timezone.now()
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This record is already withdrawn."))
    if moment < locked.decided_at:
        raise ValidationError(_("It cannot be withdrawn before it was decided."))
    locked.withdrawn_at = moment
    locked.withdrawn_by = actor
    locked.withdraw_reason = _seal(case, TracingNotDone, "withdraw_reason", reason)
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    return locked
