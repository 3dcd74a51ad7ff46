"""Every write to children, cases and their documents."""

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_fsm import TransitionNotAllowed as FsmRefused
from django_fsm import can_proceed

from apps.accounts.models import Agency, Role, Team, User
from apps.audit.services import record_access_log
from apps.cases import search, uploads, vault
from apps.cases.access import Action, require
from apps.cases.guards import Move, check_move
from apps.cases.models import (
    Case,
    CaseTransition,
    Child,
    ChildKey,
    Document,
    FactsReliance,
    GatingFact,
    GatingFactChange,
    PossibleDuplicateNotice,
)
from apps.cases.reading import visible_records
from apps.cases.rules import CHILD_GATING_FIELDS, change_lifts_protection, fact_rule
from apps.cases.sections import Section, section_of
from apps.cases.selectors import agency_roles, cases_by_identity
from apps.cases.workflow import transitions
from apps.core import crypto, dates
from apps.core.errors import StaleRecord, TransitionNotAllowed
from apps.core.references import next_case_reference
from apps.core.rules import Violations

if TYPE_CHECKING:
    from apps.cases.reading import SealedReader

CHILD_FACTS = {
    "sex", "birth_date_basis", "nationalities", "stateless", "languages", "country_of_origin",
    "unaccompanied", "separated", "parents_implicated", "parents_conflict_of_interest",
}  # fmt: skip
CASE_FACTS = {
    "team", "assigned_caseworker", "identified_at", "identification_method", "identification_status",
    "reflection_period_start", "reflection_period_end", "risk_level", "exploitation_forms", "control_methods",
    "recruitment_methods", "relationship_to_trafficker", "technology_uses", "scope", "police_evidence_reference",
}  # fmt: skip
CASE_SEALED = {"protection_needs", "exploitation_narrative", "suspects", "health_notes"}
# The child's sealed details besides the identity, shown on the case page by section.
CHILD_SEALED = {"gender_identity", "contacts", "address", "disabilities", "family_situation"}


@dataclass(frozen=True)
class ChildIdentity:
    """The sealed part of a child's record, in plain text (only ever in memory)."""

    given_names: str
    family_names: str = ""
    aliases: tuple[str, ...] = ()
    birth_date: date | None = None
    gender_identity: str = ""
    contacts: str = ""
    address: str = ""
    disabilities: str = ""
    family_situation: str = ""

    @property
    def all_names(self) -> list[str]:
        return [n for n in (self.given_names, self.family_names, *self.aliases) if n]


@dataclass
class Registration:
    case: Case
    possible_duplicates: list[Case] = field(default_factory=list)


def _unknown(given: Iterable[str], allowed: set[str], what: str) -> None:
    extra = set(given) - allowed
    if extra:
        raise ValidationError(
            _("Unknown %(what)s fields: %(fields)s") % {"what": what, "fields": ", ".join(sorted(extra))}
        )


def _seal_identity(child: Child, key: bytes, identity: ChildIdentity) -> None:
    child.names = vault.seal(
        child, key, Child, "names", {"given": identity.given_names, "family": identity.family_names}
    )
    child.aliases = vault.seal(child, key, Child, "aliases", list(identity.aliases))
    child.birth_date = vault.seal(
        child, key, Child, "birth_date", identity.birth_date.isoformat() if identity.birth_date else None
    )
    for column in ("gender_identity", "contacts", "address", "disabilities", "family_situation"):
        setattr(child, column, vault.seal(child, key, Child, column, getattr(identity, column)))


def child_identity(child: Child, *, actor: User, channel: str, case: Case | None = None) -> ChildIdentity:
    """Open a child's sealed identity for a person: a read, logged (who, which case, channel).

    Callers got the child through a scoped selector; `case` is the case it was reached
    through (the child's first case when not given). There is no unlogged way to open a
    child's identity for a person.
    """
    identity = _open_identity(child)
    through = case if case is not None else child.cases.order_by("pk").first()
    record_access_log(actor=actor, case=through, action="identity", channel=channel, allowed=True)
    return identity


def _open_identity(child: Child) -> ChildIdentity:
    key = vault.data_key(child)

    def opened(column: str) -> Any:
        return vault.open_sealed(child, key, Child, column, getattr(child, column))

    names = opened("names") or {}
    birth = opened("birth_date")
    return ChildIdentity(
        given_names=names.get("given", ""),
        family_names=names.get("family", ""),
        aliases=tuple(opened("aliases") or ()),
        birth_date=date.fromisoformat(birth) if birth else None,
        **{c: opened(c) or "" for c in ("gender_identity", "contacts", "address", "disabilities", "family_situation")},
    )


def case_sealed_values(case: Case, *, actor: User, channel: str) -> dict[str, str]:
    """Open the case's sealed notes for a person: a read, logged."""
    values = _open_case_sealed(case)
    record_access_log(actor=actor, case=case, action="case_notes", channel=channel, allowed=True)
    return values


@dataclass(frozen=True)
class OpenedCase:
    identity: ChildIdentity | None  # None: the reader's sections leave the child's identity out
    sealed: dict[str, str]


def case_record_open(
    *,
    actor: User,
    case: Case,
    channel: str,
    action: str = "view",
    reader: "SealedReader | None" = None,
    sections: frozenset[Section] | None = None,
) -> OpenedCase:
    """The child's identity, sealed details and the case's sealed notes for one page: one logged read.

    With the page's `reader`, the read is logged through it, so that the page's other sealed
    values (the history's reasons) add no second row. KeyUnavailable once the child is
    anonymised (nothing is logged then: nothing was read).

    A partner's `sections` (`access.readable_sections`) open only what they share: the
    identity with the identity section, each sealed note or detail with its own.
    """
    shown = frozenset(Section) if sections is None else sections
    identity = _open_identity(case.child) if Section.IDENTITY in shown else None
    columns = {c for c in CASE_SEALED if section_of(Case, c) in shown}
    details = {c for c in CHILD_SEALED if section_of(Child, c) in shown}
    sealed = _open_case_sealed(case, columns) if columns else {}
    if details:
        sealed |= _open_child_sealed(case.child, details)
    opened = OpenedCase(identity=identity, sealed=sealed)
    if reader is not None:
        reader.note(case)
    else:
        record_access_log(actor=actor, case=case, action=action, channel=channel, allowed=True)
    return opened


def _open_case_sealed(case: Case, columns: Iterable[str] = CASE_SEALED) -> dict[str, str]:
    key = vault.data_key(case.child)
    return {c: vault.open_sealed(case.child, key, Case, c, getattr(case, c)) or "" for c in sorted(columns)}


def _open_child_sealed(child: Child, columns: Iterable[str]) -> dict[str, str]:
    key = vault.data_key(child)
    return {c: vault.open_sealed(child, key, Child, c, getattr(child, c)) or "" for c in sorted(columns)}


def _require_a_name(identity: ChildIdentity) -> None:
    if not identity.given_names.strip() and not any(a.strip() for a in identity.aliases):
        raise ValidationError({"given_names": _("Record at least a first name or an alias, even a provisional one.")})


# The dates of a child's record and case that rules read, and what kind of date each is
# (apps/core/dates.py): the identification date starts the deadlines (the best-interests assessment's).
_CASE_DATES = {
    "identified_at": (dates.CASE_EVENT, _lazy("identification date")),
    "reflection_period_start": (dates.PLANNED, _lazy("start of the recovery and reflection period")),
    "reflection_period_end": (dates.PLANNED, _lazy("end of the recovery and reflection period")),
}


def _refuse_implausible_dates(*, identity: ChildIdentity | None, facts: Mapping[str, Any], at: datetime) -> None:
    checked: list[tuple[date | None, dates.Kind, Promise]] = []
    for name, (kind, label) in _CASE_DATES.items():
        field = Case._meta.get_field(name)
        if name in facts and isinstance(field, models.Field):  # a form's text too, read as the model reads it
            checked.append((field.to_python(facts[name]), kind, label))
    if identity is not None:
        checked.append((identity.birth_date, dates.BIRTH, _lazy("birth date")))
    dates.refuse_implausible_dates(checked, at=at)


def _require_case_role(actor: User, agency: Agency) -> None:
    if not agency_roles(actor=actor, agency_id=agency.pk) & {Role.CASEWORKER, Role.SUPERVISOR}:
        raise PermissionDenied(
            _("Only caseworkers and supervisors of %(agency)s register its cases.") % {"agency": agency}
        )


def child_possible_duplicates(
    *, actor: User, names: Iterable[str], birth_year: int | None, exclude_child: Child | None = None
) -> list[tuple[Case, float]]:
    """Likely matches the actor may see, best first. Other agencies' matches stay hidden."""
    likely = search.likely_duplicates(names=names, birth_year=birth_year)
    if exclude_child is not None:
        likely.pop(exclude_child.pk, None)
    visible = cases_by_identity(actor=actor).filter(child_id__in=likely)
    return sorted(((c, likely[c.child_id]) for c in visible), key=lambda pair: -pair[1])


@transaction.atomic
def case_register(
    *,
    actor: User,
    agency: Agency,
    identity: ChildIdentity,
    child_facts: Mapping[str, Any],
    case_facts: Mapping[str, Any],
    at: datetime | None = None,
) -> Registration:
    """Register a child and open their case in `agency`.

    Guarantees: identifying values are stored only sealed with the child's new data key;
    the child is findable by name through keyed hashes; likely duplicates the actor may
    see are returned, and the supervisors of any other agency holding one are told.
    """
    _require_case_role(actor, agency)
    _unknown(child_facts, CHILD_FACTS, "child")
    _unknown(case_facts, CASE_FACTS | CASE_SEALED, "case")
    _require_a_name(identity)
    moment = at or timezone.now()
    _refuse_implausible_dates(identity=identity, facts=case_facts, at=moment)

    child = Child(**child_facts)
    child.full_clean()
    # Sealed before the first write (values are bound to the child's public id, known
    # already): the row is inserted once, so no later change of a gating column is made.
    key = vault.data_key_new()
    _seal_identity(child, key, identity)
    child.save()
    vault.data_key_create(child, key)
    birth_year = identity.birth_date.year if identity.birth_date else None
    search.child_index(child=child, names=identity.all_names, birth_year=birth_year)

    plain = {k: v for k, v in case_facts.items() if k not in CASE_SEALED}
    plain.setdefault("identified_at", moment)
    case = Case(
        child=child, owning_agency=agency, registered_by=actor, reference=next_case_reference(at=moment), **plain
    )
    if case.assigned_caseworker_id is None and Role.CASEWORKER in agency_roles(actor=actor, agency_id=agency.pk):
        case.assigned_caseworker = actor
    for column in CASE_SEALED & set(case_facts):
        setattr(case, column, vault.seal(child, key, Case, column, case_facts[column]))
    case.full_clean(exclude=["reference", "child", "registered_by", "state"])
    case.save()
    CaseTransition.objects.create(
        case=case,
        name="register",
        from_state=case.state,
        to_state=case.state,
        actor=actor,
        at=moment,
        reason=vault.seal(child, key, CaseTransition, "reason", _("Registered")),
    )
    likely = search.likely_duplicates(names=identity.all_names, birth_year=birth_year)
    likely.pop(child.pk, None)
    visible_ids = set(cases_by_identity(actor=actor).filter(child_id__in=likely).values_list("pk", flat=True))
    visible: list[Case] = []
    for other in Case.objects.filter(child_id__in=likely).exclude(pk=case.pk).select_related("owning_agency"):
        if other.pk in visible_ids:
            visible.append(other)
        else:
            # R8: not shown to this actor; the agency that holds it (another agency, or
            # another team of this one) hears of a possible match through its supervisors.
            PossibleDuplicateNotice.objects.get_or_create(
                existing_case=other,
                new_case=case,
                defaults={"agency": other.owning_agency, "score": likely[other.child_id]},
            )
    return Registration(case=case, possible_duplicates=visible)


def _fresh_for_change(*, actor: User, case: Case, expected_version: int) -> Case:
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    current = Case.objects.get(pk=case.pk)
    if current.version != expected_version:
        raise StaleRecord(label=current.reference, expected=expected_version, current=current.version)
    return current


def _write_if_current(case: Case, expected_version: int, **values: Any) -> Case:
    """Write only if nobody changed the case since `expected_version` (the row lock and the
    version re-check make two writers meet here one after the other)."""
    written = Case.objects.filter(pk=case.pk, version=expected_version).update(**values)
    if written != 1:
        current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
        raise StaleRecord(label=case.reference, expected=expected_version, current=current)
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


@transaction.atomic
def case_transition(
    *,
    actor: User,
    case: Case,
    transition: str,
    expected_version: int,
    reason: str,
    at: datetime | None = None,
    waiver_reason: str = "",
) -> Case:
    """Move a case along the workflow; recorded with actor, time and reason.

    Refuses a move the workflow lacks (TransitionNotAllowed), a stale version (StaleRecord),
    a case the actor may not act on (404), and a move its guards refuse (RuleViolation with
    every violation at once; see `apps.cases.guards`). A supervisor's `waiver_reason` lets
    the guards that allow it pass, and is kept with the transition.
    """
    if transition not in transitions():
        raise TransitionNotAllowed(transition=transition, state=case.state)
    current = _fresh_for_change(actor=actor, case=case, expected_version=expected_version)
    before = current.state
    moment = at or timezone.now()
    if not can_proceed(getattr(current, transition)):
        raise TransitionNotAllowed(transition=transition, state=before)
    is_supervisor = Role.SUPERVISOR in agency_roles(actor=actor, agency_id=current.owning_agency_id)
    move = Move(
        actor=actor, case=current, transition=transition, at=moment, reason=reason, waiver_reason=waiver_reason,
        actor_is_supervisor=is_supervisor,
    )  # fmt: skip
    check_move(move).raise_if_any()  # the guards see the case as it is, not as it would be
    try:
        getattr(current, transition)()
    except FsmRefused as exc:
        raise TransitionNotAllowed(transition=transition, state=before) from exc
    moved = _write_if_current(current, expected_version, state=current.state)
    CaseTransition.objects.create(
        case=moved,
        name=transition,
        from_state=before,
        to_state=moved.state,
        actor=actor,
        at=moment,
        reason=_seal_about(moved.child, CaseTransition, "reason", reason),
        waiver_reason=_seal_about(
            moved.child, CaseTransition, "waiver_reason", waiver_reason if move.waived_by_supervisor else ""
        ),
    )
    return moved


def _seal_about(child: Child, model: type[models.Model], column: str, text: str) -> bytes | None:
    """What a person typed about the child, sealed with their key (None when empty). A child
    anonymised already has no key: what is typed about them is not kept, like all else of theirs."""
    try:
        key = vault.data_key(child)
    except crypto.KeyUnavailable:
        return None
    return vault.seal(child, key, model, column, text.strip() or None)


@transaction.atomic
def case_details_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    facts: Mapping[str, Any] | None = None,
    sealed: Mapping[str, str] | None = None,
) -> Case:
    """Change a case's details if nobody else changed it since the caller read it."""
    facts, sealed = dict(facts or {}), dict(sealed or {})
    _unknown(facts, CASE_FACTS - {"identified_at"}, "case")
    _unknown(sealed, CASE_SEALED, "sealed case")
    _unknown(facts, CASE_FACTS - {"identified_at", "team", "assigned_caseworker"}, "case (use case_assign)")
    current = _fresh_for_change(actor=actor, case=case, expected_version=expected_version)
    if not facts and not sealed:
        return current  # nothing to change: not a conflict
    _refuse_implausible_dates(identity=None, facts=facts, at=timezone.now())
    for name, value in facts.items():
        setattr(current, name, value)
    current.full_clean(exclude=["reference", "child", "registered_by", "owning_agency", "state"])
    values = {f: getattr(current, f) for f in facts}
    if sealed:
        key = vault.data_key(current.child)
        values |= {c: vault.seal(current.child, key, Case, c, v) for c, v in sealed.items()}
    return _write_if_current(current, expected_version, **values)


@transaction.atomic
def case_assign(*, actor: User, case: Case, expected_version: int, team: Team | None, caseworker: User | None) -> Case:
    """Give the case to a team and/or a caseworker of its own agency (supervisors only)."""
    current = _fresh_for_change(actor=actor, case=case, expected_version=expected_version)
    if Role.SUPERVISOR not in agency_roles(actor=actor, agency_id=current.owning_agency_id):
        raise PermissionDenied(_("Only a supervisor of the agency assigns its cases."))
    if team is not None and team.agency_id != current.owning_agency_id:
        raise ValidationError({"team": _("The team belongs to another agency.")})
    if caseworker is not None and Role.CASEWORKER not in agency_roles(
        actor=caseworker, agency_id=current.owning_agency_id
    ):
        raise ValidationError({"assigned_caseworker": _("This person is not a caseworker of the agency.")})
    return _write_if_current(current, expected_version, team=team, assigned_caseworker=caseworker)


# --- Facts that gate a rule -----------------------------------------------------------------
def gating_facts_now(child: Child) -> dict[str, Any]:
    """The child's own plain gating facts as they stand (what a decision relies on)."""
    return {name: getattr(child, name) for name in CHILD_GATING_FIELDS}


def gating_fact_change_check(
    found: Violations, *, actor: User, case: Case, fact: str, before: Any, after: Any, reason: str
) -> bool:
    """Add to `found` what refuses this change of a gating fact; returns whether it lifts a protection.

    A change needs a reason (`<RULE>.FACT_CHANGE_NO_REASON`); one that lifts a protection
    needs a supervisor of the case's agency (`<RULE>.FACT_CHANGE_NEEDS_SUPERVISOR`), where
    <RULE> is the rule the fact gates (GUARDIAN_REQUIRED, PRESUMED_MINOR,
    RETURN_BLOCKED_PROTECTION_CLAIM). An unchanged value is no change.
    """
    if before == after:
        return False
    rule, label = fact_rule(fact), GatingFact(fact).label
    lifts = change_lifts_protection(fact, before, after)
    found.check(bool(reason.strip()), f"{rule}.FACT_CHANGE_NO_REASON", fact=label)
    if lifts:
        is_supervisor = Role.SUPERVISOR in agency_roles(actor=actor, agency_id=case.owning_agency_id)
        found.check(is_supervisor, f"{rule}.FACT_CHANGE_NEEDS_SUPERVISOR", fact=label)
    return lifts


def _gating_fact_write(
    *, actor: User, case: Case, fact: str, before: Any, after: Any, reason: str, lifts: bool, subject: str,
    at: datetime,
) -> GatingFactChange:  # fmt: skip
    child = case.child
    try:
        key = vault.data_key(child)
    except crypto.KeyUnavailable:
        raise ValidationError(_("This child was anonymised; the facts about them can no longer change.")) from None
    record = GatingFactChange(
        child_id=case.child_id, case=case, fact=fact, subject=subject[:100], rule=fact_rule(fact),
        lifts_protection=lifts, approved_by=actor if lifts else None, actor=actor, at=at,
        reason=vault.seal(child, key, GatingFactChange, "reason", reason.strip()),
    )  # fmt: skip
    if fact == GatingFact.BIRTH_DATE:
        # A birth date identifies: kept sealed with the child's key, like the child's own.
        record.before_sealed = vault.seal(child, key, GatingFactChange, "before_sealed", _iso_or_none(before))
        record.after_sealed = vault.seal(child, key, GatingFactChange, "after_sealed", _iso_or_none(after))
    else:
        record.before, record.after = before, after
    record.save()
    return record


def _iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value else None


@transaction.atomic
def gating_fact_change_record(
    *,
    actor: User,
    case: Case,
    fact: str,
    before: Any,
    after: Any,
    reason: str,
    subject: str = "",
    at: datetime | None = None,
) -> GatingFactChange | None:
    """Check and record one change of a fact that gates a rule; None if nothing changes.

    For the apps that hold such facts (identity documents' flags in apps.age, protection
    claims and non-refoulement findings in apps.rights): call it in the same transaction as
    the change. Refuses with every violation at once (see `gating_fact_change_check`);
    writes the append-only history row, which names the supervisor for a lifting change.
    """
    found = Violations()
    lifts = gating_fact_change_check(
        found, actor=actor, case=case, fact=fact, before=before, after=after, reason=reason
    )
    found.raise_if_any()
    if before == after:
        return None
    return _gating_fact_write(
        actor=actor, case=case, fact=fact, before=before, after=after, reason=reason, lifts=lifts,
        subject=subject, at=at or timezone.now(),
    )  # fmt: skip


def gating_fact_changes(*, child: Child) -> list[GatingFactChange]:
    """The history of the child's gating facts, oldest first (callers reached the child through a scoped selector)."""
    return list(GatingFactChange.objects.filter(child=child).select_related("actor", "approved_by", "case"))


@transaction.atomic
def facts_reliance_record(
    *, actor: User, case: Case, decision: models.Model, step: str = "", at: datetime | None = None
) -> FactsReliance:
    """Record which gating facts `decision` relied on: the child's facts now and the latest change.

    Deciding services call it in the decision's transaction (a BID, a durable solution, an
    age assessment opened, a step taken without a guardian). A decision keeps its first
    record: what it relied on when it was taken. `step` names a later decision on the same
    record (an age assessment's conclusion "approved"), which keeps its own.
    """
    meta = decision._meta
    child = Child.objects.get(pk=case.child_id)
    suffix = f":{step}" if step else ""
    reliance, _created = FactsReliance.objects.get_or_create(
        decision_app=meta.app_label,
        decision_model=meta.model_name,
        decision_pk=f"{decision.pk}{suffix}",
        defaults={
            "case": case,
            "decision_label": f"{meta.verbose_name} {decision.pk}{f' ({step})' if step else ''}"[:200],
            "facts": gating_facts_now(child),
            "last_change": GatingFactChange.objects.filter(child=child).order_by("-pk").first(),
            "actor": actor,
            "at": at or timezone.now(),
        },
    )
    return reliance


def facts_reliance_for(decision: models.Model, *, step: str = "") -> FactsReliance | None:
    """What a decision (or its later `step`) relied on, if recorded."""
    meta = decision._meta
    suffix = f":{step}" if step else ""
    return (
        FactsReliance.objects.filter(
            decision_app=meta.app_label, decision_model=meta.model_name, decision_pk=f"{decision.pk}{suffix}"
        )
        .select_related("last_change")
        .first()
    )


@transaction.atomic
def child_facts_update(
    *, actor: User, case: Case, facts: Mapping[str, Any], reason: str = "", at: datetime | None = None
) -> Child:
    """Change the child's plain facts (sex, nationalities, unaccompanied, ...).

    A fact that gates a rule (unaccompanied, separated, parents implicated or in conflict,
    the birth date's basis) changes only with `reason`, and a change that lifts a
    protection only by a supervisor: refused otherwise with every violation at once, and
    each change is kept in the child's gating-fact history (the database refuses the
    change at commit without it).
    """
    _unknown(facts, CHILD_FACTS, "child")
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    child = Child.objects.select_for_update().get(pk=case.child_id)
    moment = at or timezone.now()
    changes = {
        name: (getattr(child, name), facts[name])
        for name in CHILD_GATING_FIELDS
        if name in facts and facts[name] != getattr(child, name)
    }
    found = Violations()
    lifts = {
        name: gating_fact_change_check(
            found, actor=actor, case=case, fact=name, before=before, after=after, reason=reason
        )
        for name, (before, after) in changes.items()
    }
    found.raise_if_any()
    for name, value in facts.items():
        setattr(child, name, value)
    child.full_clean(exclude=vault.sealed_columns(Child))
    child.save(update_fields=list(facts))
    for name, (before, after) in changes.items():
        _gating_fact_write(
            actor=actor, case=case, fact=name, before=before, after=after, reason=reason, lifts=lifts[name],
            subject="", at=moment,
        )  # fmt: skip
    return child


@transaction.atomic
def duplicate_notice_resolve(*, actor: User, notice: PossibleDuplicateNotice, at: datetime | None = None) -> None:
    """A supervisor of the agency the notice was addressed to has dealt with it."""
    if Role.SUPERVISOR not in agency_roles(actor=actor, agency_id=notice.agency_id):
        raise Http404
    PossibleDuplicateNotice.objects.filter(pk=notice.pk, resolved_at__isnull=True).update(
        resolved_at=at or timezone.now()
    )


@transaction.atomic
def child_identity_update(
    *, actor: User, case: Case, identity: ChildIdentity, reason: str = "", at: datetime | None = None
) -> Child:
    """Replace the child's sealed identity (and its search hashes).

    The birth date gates the presumption of minority: changing it needs `reason`, and
    making the person older (an earlier date, or a first date where none was known) a
    supervisor; the change is kept, sealed, in the gating-fact history.
    """
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    _require_a_name(identity)
    _refuse_implausible_dates(identity=identity, facts={}, at=at or timezone.now())
    child = Child.objects.select_for_update().get(pk=case.child_id)
    if child.anonymised_at is not None:
        raise ValidationError(_("This child was anonymised; their identity can no longer be recorded."))
    key = vault.data_key(child)
    # Opened to compare, inside the actor's own write; never shown to anyone.
    recorded = vault.open_sealed(child, key, Child, "birth_date", child.birth_date)
    before = date.fromisoformat(recorded) if recorded else None
    found = Violations()
    lifts = gating_fact_change_check(
        found, actor=actor, case=case, fact=GatingFact.BIRTH_DATE, before=before, after=identity.birth_date,
        reason=reason,
    )  # fmt: skip
    found.raise_if_any()
    sealed_birth_date = child.birth_date
    _seal_identity(child, key, identity)
    if before == identity.birth_date:
        child.birth_date = sealed_birth_date  # unchanged: the same ciphertext, no history row needed
    else:
        _gating_fact_write(
            actor=actor, case=case, fact=GatingFact.BIRTH_DATE, before=before, after=identity.birth_date,
            reason=reason, lifts=lifts, subject="", at=at or timezone.now(),
        )  # fmt: skip
    child.save(update_fields=["names", "aliases", "birth_date", "gender_identity", "contacts", "address",
                              "disabilities", "family_situation"])  # fmt: skip
    search.child_index(
        child=child, names=identity.all_names, birth_year=identity.birth_date.year if identity.birth_date else None
    )
    return child


@transaction.atomic
def child_anonymise(*, actor: User | None, child: Child, at: datetime | None = None) -> Child:
    """Destroy the child's data key: every sealed value and file becomes unreadable for good.

    The rows stay (statistics, the workflow's history); the search hashes go.
    Only a supervisor of an agency holding one of the child's cases, or the installation.
    """
    if actor is not None:
        agencies = set(child.cases.values_list("owning_agency_id", flat=True))
        if not any(Role.SUPERVISOR in agency_roles(actor=actor, agency_id=a) for a in agencies):
            raise PermissionDenied(_("Only a supervisor of the agency holding the case may anonymise a child."))
    if child.anonymised_at is not None:
        return child  # already done; the first date stands
    moment = at or timezone.now()
    ChildKey.objects.filter(child=child, wrapped__isnull=False).update(wrapped=None, destroyed_at=moment)
    search.child_unindex(child=child)
    Child.objects.filter(pk=child.pk).update(anonymised_at=moment)
    child.refresh_from_db()
    return child


def master_keys_rotate(*, batch_size: int = 500) -> int:
    """Re-wrap every data key not yet under the current master key; returns how many."""
    current = crypto.master_keys()[0].key_id
    rotated = 0
    while True:
        with transaction.atomic():
            batch = list(
                ChildKey.objects.select_for_update(skip_locked=True)
                .select_related("child")
                .filter(wrapped__isnull=False)
                .exclude(master_key_id=current)[:batch_size]
            )
            if not batch:
                return rotated
            for record in batch:
                owner = record.child.public_id.bytes
                data_key = crypto.unwrap(record.master_key_id, bytes(record.wrapped or b""), owner=owner)
                record.master_key_id, record.wrapped = crypto.wrap(data_key, owner=owner)
                record.save(update_fields=["master_key_id", "wrapped"])
            rotated += len(batch)


@transaction.atomic
def document_attach(
    *, actor: User, case: Case, kind: str, filename: str, content: bytes, content_type: str = "", no_abuse_images: bool
) -> Document:
    """Attach a file, sealed with the child's key; the uploader declares it holds no image of abuse.

    Only an allowed type by its content, within the size limit, under a cleaned name
    (DOCUMENT_NOT_ACCEPTED otherwise; see apps/cases/uploads.py). `content_type`, the client's
    word, is ignored: the type read from the content is kept.
    """
    require(actor, Action.WORK_OR_GUARD, case)  # 404 out of sight, 403 a reader's
    if not no_abuse_images:
        raise ValidationError(
            {"no_abuse_images": _("Images of abuse are never uploaded: record the police evidence reference instead.")}
        )
    accepted = uploads.accept(filename=filename, content=content)
    child = case.child
    key = vault.data_key(child)
    storage_name = secrets.token_hex(16)
    document = Document(
        case=case,
        kind=kind,
        content_type=accepted.file_type.content_type,
        size=len(content),
        storage_name=storage_name,
        no_abuse_images=True,
        uploaded_by=actor,
    )
    document.filename = vault.seal(child, key, Document, "filename", accepted.filename)
    document.full_clean(exclude=["case", "uploaded_by"])
    document.save()
    sealed = vault.seal_bytes(child, key, f"document:{storage_name}", content)
    default_storage.save(f"documents/{storage_name}", ContentFile(sealed))
    return document


@dataclass(frozen=True)
class OpenedDocument:
    filename: str
    content_type: str
    content: bytes


def document_open(*, actor: User, document_id: int, channel: str) -> OpenedDocument:
    """A document the actor may read (a partner: of a kind its referral shares), its read logged;
    otherwise 404."""
    document = (
        visible_records(Document.objects.filter(pk=document_id), actor=actor).select_related("case__child").first()
    )
    if document is None:
        record_access_log(actor=actor, case=None, action=f"document:{document_id}", channel=channel, allowed=False)
        raise Http404
    record_access_log(actor=actor, case=document.case, action=f"document:{document_id}", channel=channel, allowed=True)
    child = document.case.child
    key = vault.data_key(child)
    with default_storage.open(f"documents/{document.storage_name}", "rb") as handle:
        content = vault.open_bytes(child, key, f"document:{document.storage_name}", handle.read())
    filename = vault.open_sealed(child, key, Document, "filename", document.filename)
    # Sent as what the content is (an upload kept before types were checked included).
    return OpenedDocument(filename=filename, content_type=uploads.served_type(content), content=content)


def identity_as_dict(identity: ChildIdentity) -> dict[str, Any]:
    return asdict(identity)
