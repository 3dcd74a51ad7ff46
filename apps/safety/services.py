"""Every write of the safety app: risk assessments, safety plans, and the re-assessment check.

A risk assessment sets the case's risk level through `case_details_update`, the versioned
path every channel uses: the caller says which version of the case they assessed, and an
assessment of a case changed since is refused as stale. Care's missing-from-care report raises
the level too; the re-assessment clock then follows the stricter level (see
`selectors.reassessment_due_at`).
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import Membership, Role, User
from apps.alerts.models import Alert, AlertKind
from apps.alerts.services import alert_raise, alerts_done
from apps.cases import vault
from apps.cases.access import Action, require
from apps.cases.models import Case, CaseState
from apps.cases.services import case_details_update
from apps.core import dates as core_dates
from apps.core.errors import StaleRecord
from apps.safety.models import RiskAssessment, RiskFactor, RiskLevel, SafetyPlan
from apps.safety.selectors import reassessment_due_at, reassessment_interval

CASE_ROLES = frozenset({Role.CASEWORKER, Role.SUPERVISOR})


def _load(case: Case) -> Case:
    return Case.objects.select_related("child", "owning_agency").get(pk=case.pk)


def _seal(case: Case, model: type[models.Model], column: str, value: str) -> bytes | None:
    return vault.seal(case.child, vault.data_key(case.child), model, column, value.strip() or None)


# --- Risk assessments ---------------------------------------------------------------------
@transaction.atomic
def risk_assessment_record(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    level: str,
    factors: list[str] | tuple[str, ...] = (),
    narrative: str = "",
    assessed_at: datetime | None = None,
    at: datetime | None = None,
) -> RiskAssessment:
    """Record an assessment of the risk to the child; it supersedes the one before.

    Sets the case's risk level to the assessed one through the versioned case path (StaleRecord
    when the case changed since `expected_version`), and dates the next assessment by the level
    (HAVEN_RISK_REASSESSMENT_DAYS_<LEVEL>). The re-assessment alerts of the superseded
    assessment are done. The narrative is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    when = assessed_at or moment
    if level not in RiskLevel.values:
        raise ValidationError({"level": _("Unknown risk level.")})
    unknown = sorted(set(factors) - set(RiskFactor.values))
    if unknown:
        raise ValidationError({"factors": _("Unknown risk factors: %(factors)s") % {"factors": ", ".join(unknown)}})
    # The next assessment falls due from it (apps/core/dates.py: never ahead of time, nor decades back).
    core_dates.refuse_implausible(when, core_dates.CASE_EVENT, field=_lazy("time of the assessment"), at=moment)
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to assess the risk."))
    # The case row, locked: two assessments of one case are recorded one after the other.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise StaleRecord(label=locked.reference, expected=expected_version, current=locked.version)
    current = RiskAssessment.objects.filter(case=case, superseded_at__isnull=True).first()
    if current is not None and when < current.assessed_at:
        raise ValidationError({"assessed_at": _("A later assessment is already on file.")})
    if locked.risk_level != level:
        case_details_update(actor=actor, case=locked, expected_version=expected_version, facts={"risk_level": level})
    if current is not None:
        RiskAssessment.objects.filter(pk=current.pk).update(superseded_at=moment)
        alerts_done(
            Alert.objects.filter(kind=AlertKind.RISK_REASSESSMENT_DUE, case=case, key=f"risk-reassessment:{current.pk}"),
            actor=actor, outcome=_("Re-assessed."), at=moment,
        )  # fmt: skip
    assessment = RiskAssessment(
        case=case, level=level, factors=sorted(set(factors)), assessed_by=actor, assessed_at=when,
        next_due_at=when + reassessment_interval(level), recorded_at=moment,
    )  # fmt: skip
    assessment.narrative = _seal(case, RiskAssessment, "narrative", narrative)
    assessment.save()
    return assessment


def _assigned_caseworker(case: Case, at: datetime) -> User | None:
    """The case's assigned caseworker while they still work for its agency as a caseworker."""
    worker = case.assigned_caseworker
    if worker is None or not worker.is_active:
        return None
    works = Membership.objects.active(at=at).filter(user=worker, agency_id=case.owning_agency_id,
                                                    role=Role.CASEWORKER).exists()  # fmt: skip
    return worker if works else None


def risk_reassessments_alert(*, at: datetime | None = None) -> int:
    """Periodic: RISK_REASSESSMENT_DUE for each current assessment overdue at `at`, once per
    assessment — to the case's assigned caseworker by name, to the supervisors when no one is
    assigned. Closed cases are left alone. Returns how many alerts were raised.
    """
    moment = at or timezone.now()
    # Overdue by the assessment's own level, or by the case's level now (whichever comes first).
    by_case_level = Q()
    for level in RiskLevel.values:
        by_case_level |= Q(case__risk_level=level, assessed_at__lte=moment - reassessment_interval(level))
    overdue = (
        RiskAssessment.objects.filter(superseded_at__isnull=True)
        .exclude(case__state=CaseState.CLOSED)
        .filter(Q(next_due_at__lte=moment) | by_case_level)
        .select_related("case__owning_agency", "case__assigned_caseworker")
        .order_by("pk")
    )
    raised = 0
    for assessment in overdue.iterator():
        case = assessment.case
        key = f"risk-reassessment:{assessment.pk}"
        if Alert.objects.filter(kind=AlertKind.RISK_REASSESSMENT_DUE, key=key).exists():
            continue  # once per assessment, whoever it went to
        due = reassessment_due_at(assessment, case_level=case.risk_level)
        detail = _("%(case)s: risk re-assessment due since %(due)s (risk %(level)s)") % {
            "case": case.reference,
            "due": f"{due:%Y-%m-%d}",
            "level": case.get_risk_level_display(),
        }
        worker = _assigned_caseworker(case, moment)
        alert = alert_raise(
            kind=AlertKind.RISK_REASSESSMENT_DUE, agency=case.owning_agency, user=worker,
            role="" if worker is not None else Role.SUPERVISOR, case=case, key=key, detail=detail, due_at=due,
            at=moment,
        )  # fmt: skip
        raised += alert is not None
    return raised


# --- Safety plans -------------------------------------------------------------------------
@transaction.atomic
def safety_plan_record(
    *,
    actor: User,
    case: Case,
    who_to_call: str,
    review_on: date | None,
    trafficker_contact: str = "",
    phones_and_accounts: str = "",
    number_changed: bool = False,
    accounts_closed: bool = False,
    accounts_watched: bool = False,
    safe_routes: str = "",
    at: datetime | None = None,
) -> SafetyPlan:
    """Record a new version of the child's safety plan; the one before is superseded and kept.

    Who to call (trusted people, emergency numbers) is required, and a review date not in the
    past. Every free-text section is sealed.
    """
    case = _load(case)
    require(actor, Action.WORK, case)
    moment = at or timezone.now()
    if not who_to_call.strip():
        raise ValidationError({"who_to_call": _("Say whom the child calls: trusted people and emergency numbers.")})
    if review_on is None:
        raise ValidationError({"review_on": _("Set the date by which the plan is reviewed.")})
    if review_on < timezone.localtime(moment).date():
        raise ValidationError({"review_on": _("The review date cannot be in the past.")})
    core_dates.refuse_implausible(review_on, core_dates.PLANNED, field=_lazy("review date"), at=moment)
    if case.state == CaseState.CLOSED:
        raise ValidationError(_("The case is closed: reopen it to plan the child's safety."))
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()
    current = SafetyPlan.objects.filter(case=case, superseded_at__isnull=True).first()
    if current is not None:
        SafetyPlan.objects.filter(pk=current.pk).update(superseded_at=moment)
    last = SafetyPlan.objects.filter(case=case).aggregate(last=Max("version"))["last"] or 0
    plan = SafetyPlan(
        case=case, version=last + 1, number_changed=number_changed,
        accounts_closed=accounts_closed, accounts_watched=accounts_watched, review_on=review_on, recorded_by=actor,
        recorded_at=moment,
    )  # fmt: skip
    for column, value in (
        ("trafficker_contact", trafficker_contact),
        ("phones_and_accounts", phones_and_accounts),
        ("safe_routes", safe_routes),
        ("who_to_call", who_to_call),
    ):
        setattr(plan, column, _seal(case, SafetyPlan, column, value))
    plan.save()
    return plan
