"""Every write of the voice app (R6): interpreters, the child's communication profile,
information sessions and the child's views.

The case's caseworkers and supervisors record all of it, and so does the child's active
guardian for their ward. What the child said, understood or needs to communicate is sealed
with the child's key, and so are the reasons given for someone of another gender than the child
prefers and for withdrawing an interpreter's declaration. The child's views are append-only:
a new record supersedes the last.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Agency, Membership, Role, User
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case
from apps.cases.selectors import agency_roles
from apps.core import dates as core_dates
from apps.core.rules import Violations
from apps.voice import rules
from apps.voice.models import (
    LEAFLET_ONLY,
    ChildViews,
    CommunicationProfile,
    Gender,
    GenderPreference,
    HowExpressed,
    InformationSession,
    Interpreter,
    InterpreterDeclaration,
    NotHeardReason,
    SessionFormat,
    SessionMaterial,
    SessionTopic,
    ViewsDecision,
)
from apps.voice.selectors import communication_profile_for

# Who keeps an agency's roster of interpreters: its case staff, and its guardians.
ROSTER_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.GUARDIAN})


# --- Shared ---------------------------------------------------------------------------------
def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _require_voice_recorder(actor: User, case: Case, at: datetime) -> None:
    """The case's caseworker or supervisor, or the child's active guardian.

    A case the actor may not see is a 404; one they see otherwise (not in either role) a 403:
    the access policy's answer now (`at` is when the record says it happened).
    """
    try:
        require(actor, Action.WORK_OR_GUARD, case)
    except PermissionDenied:
        raise PermissionDenied(
            _("Only the case's caseworkers and supervisors, or the child's guardian, record this.")
        ) from None


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


def _clean_list(values: Iterable[str]) -> list[str]:
    """Trimmed, without blanks or repeats, in the order given."""
    seen: dict[str, None] = {}
    for value in values:
        if value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


def _choices(values: Iterable[str], allowed: list[str], field: str, message: str) -> list[str]:
    chosen = _clean_list(values)
    unknown = [value for value in chosen if value not in allowed]
    if unknown:
        raise ValidationError({field: message % {"values": ", ".join(unknown)}})
    return chosen


def _usable_interpreter(interpreter: Interpreter | None) -> None:
    if interpreter is not None and not interpreter.active:
        raise ValidationError({"interpreter": _("This interpreter is no longer on the roster.")})


def _preferred_gender(case: Case) -> str:
    profile = communication_profile_for(case=case)
    return profile.preferred_interviewer_gender if profile else GenderPreference.NONE


def _gender(value: str, field: str) -> str:
    if value and value not in Gender.values:
        raise ValidationError({field: _("Unknown gender.")})
    return value


# --- Interpreters ---------------------------------------------------------------------------
def _require_roster_keeper(actor: User, agency: Agency) -> None:
    if not agency_roles(actor=actor, agency_id=agency.pk) & ROSTER_ROLES:
        raise PermissionDenied(_("Only the agency's caseworkers, supervisors and guardians keep its interpreters."))


def _interpreter_fields(
    *, name: str, languages: Iterable[str], dialects: Iterable[str], gender: str, freelance: bool, agency_name: str
) -> dict[str, object]:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the interpreter's name.")})
    chosen = _clean_list(languages)
    if not chosen:
        raise ValidationError({"languages": _("Give at least one language the interpreter works in.")})
    if gender not in Gender.values:
        raise ValidationError({"gender": _("Record the interpreter's gender.")})
    agency_name = agency_name.strip()
    if freelance and agency_name:
        raise ValidationError({"agency_name": _("A freelance interpreter works for no interpreting agency.")})
    if not freelance and not agency_name:
        raise ValidationError({"agency_name": _("Name the interpreting agency, or record them as freelance.")})
    return {"name": name, "languages": chosen, "dialects": _clean_list(dialects), "gender": gender,
            "freelance": freelance, "agency_name": agency_name}  # fmt: skip


@transaction.atomic
def interpreter_register(
    *,
    actor: User,
    agency: Agency,
    name: str,
    languages: Iterable[str],
    gender: str,
    dialects: Iterable[str] = (),
    freelance: bool = False,
    agency_name: str = "",
    at: datetime | None = None,
) -> Interpreter:
    """Put an interpreter on the agency's roster: languages and dialects, gender, and the
    interpreting agency they work for or that they are freelance. Using them on a case needs
    their declaration of independence from that case's suspects as well."""
    _require_roster_keeper(actor, agency)
    fields = _interpreter_fields(
        name=name, languages=languages, dialects=dialects, gender=gender, freelance=freelance, agency_name=agency_name
    )
    return Interpreter.objects.create(
        roster_agency=agency, recorded_by=actor, recorded_at=at or timezone.now(), **fields
    )


@transaction.atomic
def interpreter_update(
    *,
    actor: User,
    interpreter: Interpreter,
    name: str,
    languages: Iterable[str],
    gender: str,
    dialects: Iterable[str] = (),
    freelance: bool = False,
    agency_name: str = "",
    active: bool = True,
) -> Interpreter:
    """Correct an interpreter's details, or take them off the roster (`active=False`): past
    sessions keep them; new sessions and views cannot use them."""
    locked = Interpreter.objects.select_for_update().select_related("roster_agency").get(pk=interpreter.pk)
    _require_roster_keeper(actor, locked.roster_agency)
    fields = _interpreter_fields(
        name=name, languages=languages, dialects=dialects, gender=gender, freelance=freelance, agency_name=agency_name
    )
    Interpreter.objects.filter(pk=locked.pk).update(active=active, **fields)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def interpreter_declaration_record(
    *, actor: User, interpreter: Interpreter, case: Case, declared_on: date | None = None, at: datetime | None = None
) -> InterpreterDeclaration:
    """Record the interpreter's declaration that they have no link to this case's suspects;
    from then on they may interpret on the case's sessions and views."""
    case = _load(case)
    moment = at or timezone.now()
    _require_voice_recorder(actor, case, moment)
    _usable_interpreter(interpreter)
    on = declared_on or timezone.localdate(moment)
    # It lets the interpreter work on the case from that day (apps/core/dates.py: it has happened).
    core_dates.refuse_implausible(on, core_dates.CASE_EVENT, field=_lazy("date of the declaration"), at=moment)
    try:
        with transaction.atomic():
            return InterpreterDeclaration.objects.create(
                interpreter=interpreter, case=case, declared_on=on, recorded_by=actor, recorded_at=moment
            )
    except IntegrityError as exc:
        raise ValidationError(_("This interpreter's declaration for this case is already on file.")) from exc


@transaction.atomic
def interpreter_declaration_withdraw(
    *, actor: User, declaration: InterpreterDeclaration, reason: str, at: datetime | None = None
) -> InterpreterDeclaration:
    """Withdraw a declaration found untrue (a link to the suspects came to light): the
    interpreter can no longer be used on the case. The declaration stays on file."""
    locked = InterpreterDeclaration.objects.select_for_update().get(pk=declaration.pk)
    moment = at or timezone.now()
    _require_voice_recorder(actor, _load(locked.case), moment)
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This declaration has already been withdrawn."))
    if not reason.strip():
        raise ValidationError({"withdrawn_reason": _("Say why the declaration is withdrawn.")})
    InterpreterDeclaration.objects.filter(pk=locked.pk).update(
        withdrawn_at=moment, withdrawn_reason=_seal(locked.case, InterpreterDeclaration, "withdrawn_reason", reason)
    )
    locked.refresh_from_db()
    return locked


# --- The child's communication profile -------------------------------------------------------
@transaction.atomic
def communication_profile_set(
    *,
    actor: User,
    case: Case,
    preferred_language: str = "",
    preferred_dialect: str = "",
    preferred_interviewer_gender: str = GenderPreference.NONE,
    needs_communication_support: bool = False,
    communication_support: str = "",
    at: datetime | None = None,
) -> CommunicationProfile:
    """Record how the child communicates best. The support the child needs (a disability) is
    sealed; needing support means saying what support."""
    case = _load(case)
    moment = at or timezone.now()
    _require_voice_recorder(actor, case, moment)
    if preferred_interviewer_gender not in GenderPreference.values:
        raise ValidationError({"preferred_interviewer_gender": _("Unknown gender.")})
    if needs_communication_support and not communication_support.strip():
        raise ValidationError({"communication_support": _("Describe the support the child needs to communicate.")})
    # One profile per case: writers of it meet on the case's row.
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    profile = CommunicationProfile.objects.filter(case=case).first() or CommunicationProfile(case=case)
    profile.preferred_language = preferred_language.strip()
    profile.preferred_dialect = preferred_dialect.strip()
    profile.preferred_interviewer_gender = preferred_interviewer_gender
    profile.needs_communication_support = needs_communication_support
    profile.communication_support = _seal(case, CommunicationProfile, "communication_support", communication_support)
    profile.updated_by = actor
    profile.updated_at = moment
    profile.save()
    return profile


# --- Information sessions --------------------------------------------------------------------
@transaction.atomic
def information_session_record(
    *,
    actor: User,
    case: Case,
    topics: Iterable[str],
    language: str,
    format: str,
    understanding: str,
    held_at: datetime | None = None,
    dialect: str = "",
    interpreter: Interpreter | None = None,
    held_by: User | None = None,
    held_by_gender: str = "",
    gender_reason: str = "",
    materials: Iterable[str] = (),
    at: datetime | None = None,
) -> InformationSession:
    """Record that the child was told, in a language and manner they understand, about the
    topics given — and how they showed they understood.

    Refuses, every violation at once: a leaflet handed over and nothing more
    (CHILD_VIEWS_REQUIRED.LEAFLET_IS_NOT_A_SESSION: note leaflets as materials of a real
    session), no record of understanding (.UNDERSTANDING_NOT_RECORDED), an interpreter without
    a declaration of independence from this case's suspects (.INTERPRETER_NOT_INDEPENDENT),
    and someone of another gender than the child prefers without a reason
    (.GENDER_PREFERENCE_NOT_RESPECTED). `understanding` is sealed.
    """
    case = _load(case)
    moment = at or timezone.now()
    _require_voice_recorder(actor, case, moment)
    held = held_at or moment
    core_dates.refuse_implausible(held, core_dates.CASE_EVENT, field=_lazy("date of the session"), at=moment)
    chosen_topics = _choices(topics, SessionTopic.values, "topics", _("Unknown topics: %(values)s."))
    if not chosen_topics:
        raise ValidationError({"topics": _("Say what the child was told about.")})
    chosen_materials = _choices(materials, SessionMaterial.values, "materials", _("Unknown materials: %(values)s."))
    if not language.strip():
        raise ValidationError({"language": _("Record the language of the session.")})
    if format != LEAFLET_ONLY and format not in SessionFormat.values:
        raise ValidationError({"format": _("Unknown format.")})
    _usable_interpreter(interpreter)
    held_by_gender = _gender(held_by_gender, "held_by_gender")
    found = Violations()
    rules.is_a_session(found, format=format)
    rules.understanding_recorded(found, understanding=understanding)
    rules.interpreter_independent(found, interpreter=interpreter, case=case)
    genders = [held_by_gender] + ([interpreter.gender] if interpreter else [])
    rules.gender_preference_respected(found, preferred=_preferred_gender(case), genders=genders, reason=gender_reason)
    found.raise_if_any()
    session = InformationSession(
        case=case, held_at=held, topics=chosen_topics, language=language.strip(), dialect=dialect.strip(),
        interpreter=interpreter, held_by=held_by or actor, held_by_gender=held_by_gender,
        format=format, materials=chosen_materials, recorded_by=actor, recorded_at=moment,
    )  # fmt: skip
    session.gender_reason = _seal(case, InformationSession, "gender_reason", gender_reason)
    session.understanding = _seal(case, InformationSession, "understanding", understanding)
    session.save()
    return session


# --- The child's views -----------------------------------------------------------------------
@transaction.atomic
def child_views_record(
    *,
    actor: User,
    case: Case,
    decision: str,
    heard: bool,
    subject: str = "",
    views: str = "",
    how_expressed: str = "",
    language: str = "",
    interpreter: Interpreter | None = None,
    heard_by_gender: str = "",
    gender_reason: str = "",
    objects: bool | None = None,
    not_heard_reasons: Iterable[str] = (),
    method_tried: str = "",
    at: datetime | None = None,
) -> ChildViews:
    """Record the child's views on a decision — or that they could not be heard, why, and the
    method that was tried. A new record supersedes the last; none is ever changed.

    Heard: the views (sealed), how they were expressed, the language and any interpreter, and
    whether the child objects to what is proposed. Refuses, every violation at once: an
    interpreter without a declaration of independence from this case's suspects
    (CHILD_VIEWS_REQUIRED.INTERPRETER_NOT_INDEPENDENT), and someone of another gender than the
    child prefers without a reason (.GENDER_PREFERENCE_NOT_RESPECTED).
    Not heard: refuses no method tried (.NO_METHOD_TRIED) and the child's age as the only
    reason (.AGE_IS_NOT_A_REASON). The method tried is sealed.
    """
    case = _load(case)
    moment = at or timezone.now()
    _require_voice_recorder(actor, case, moment)
    if decision not in ViewsDecision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    subject = subject.strip()
    if len(subject) > 64:
        raise ValidationError({"subject": _("The decision's id is at most 64 characters.")})
    found = Violations()
    record = ChildViews(case=case, decision=decision, subject=subject, heard=heard, recorded_by=actor,
                        recorded_at=moment)  # fmt: skip
    if heard:
        if not views.strip():
            raise ValidationError({"views": _("Write down the child's views, in their own words where possible.")})
        if how_expressed not in HowExpressed.values:
            raise ValidationError({"how_expressed": _("Say how the child expressed their views.")})
        if list(_clean_list(not_heard_reasons)) or method_tried.strip():
            raise ValidationError(_("A child who was heard needs no reason for not being heard."))
        _usable_interpreter(interpreter)
        heard_by_gender = _gender(heard_by_gender, "heard_by_gender")
        rules.interpreter_independent(found, interpreter=interpreter, case=case)
        genders = [heard_by_gender] + ([interpreter.gender] if interpreter else [])
        rules.gender_preference_respected(
            found, preferred=_preferred_gender(case), genders=genders, reason=gender_reason
        )
        found.raise_if_any()
        record.views = _seal(case, ChildViews, "views", views)
        record.how_expressed = how_expressed
        record.language = language.strip()
        record.interpreter = interpreter
        record.heard_by_gender = heard_by_gender
        record.gender_reason = _seal(case, ChildViews, "gender_reason", gender_reason)
        record.objects = objects
    else:
        reasons = _choices(not_heard_reasons, NotHeardReason.values, "not_heard_reasons",
                           _("Unknown reasons: %(values)s."))  # fmt: skip
        if not reasons:
            raise ValidationError({"not_heard_reasons": _("Say why the child could not be heard.")})
        if views.strip() or objects is not None:
            raise ValidationError(_("A child who was not heard has no views or objection on record."))
        rules.not_heard_explained(found, reasons=reasons, method_tried=method_tried)
        found.raise_if_any()
        record.not_heard_reasons = reasons
        record.method_tried = _seal(case, ChildViews, "method_tried", method_tried)
    record.save()
    return record


def roster_agencies(*, actor: User) -> models.QuerySet[Agency]:
    """The agencies whose interpreters' roster the actor keeps."""
    return Agency.objects.filter(
        pk__in=Membership.objects.active().filter(user=actor, role__in=ROSTER_ROLES).values("agency")
    ).order_by("name")
