"""Reads of the voice app (R6), scoped at the query by what the actor may see."""

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import Membership, User
from apps.cases.models import Case
from apps.cases.sections import Section
from apps.cases.selectors import case_visibility
from apps.voice.models import ChildViews, CommunicationProfile, InformationSession, Interpreter, InterpreterDeclaration


def views_on(*, case: Case, decision: str, subject: str = "") -> QuerySet[ChildViews]:
    """Every record of the child's views on a decision, newest first. With a `subject`, views
    on that very decision or on the decision in general (a blank subject) both count."""
    records = ChildViews.records.filter(case=case, decision=decision)
    if subject:
        records = records.filter(Q(subject=subject) | Q(subject=""))
    return records.order_by("-recorded_at", "-pk")


def latest_child_views(
    *, case: Case, decision: str, subject: str = "", at: datetime | None = None
) -> ChildViews | None:
    """The record in force for a decision (at `at`, when given): the latest supersedes."""
    records = views_on(case=case, decision=decision, subject=subject)
    if at is not None:
        records = records.filter(recorded_at__lte=at)
    return records.first()


def child_views_list(*, actor: User) -> QuerySet[ChildViews]:
    return (
        ChildViews.records.filter(
            Exists(
                Case.objects.filter(case_visibility(actor=actor, section=Section.COMMUNICATION), pk=OuterRef("case"))
            )
        )
        .select_related("case", "interpreter", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def information_session_list(*, actor: User) -> QuerySet[InformationSession]:
    return (
        InformationSession.objects.filter(
            Exists(
                Case.objects.filter(case_visibility(actor=actor, section=Section.COMMUNICATION), pk=OuterRef("case"))
            )
        )
        .select_related("case", "interpreter", "held_by")
        .order_by("-held_at", "-pk")
    )


def communication_profile_list(*, actor: User) -> QuerySet[CommunicationProfile]:
    return (
        CommunicationProfile.objects.filter(
            Exists(
                Case.objects.filter(case_visibility(actor=actor, section=Section.COMMUNICATION), pk=OuterRef("case"))
            )
        )
        .select_related("case")
        .order_by("-updated_at")
    )


def communication_profile_for(*, case: Case) -> CommunicationProfile | None:
    return CommunicationProfile.objects.filter(case=case).first()


def interpreter_list(*, actor: User) -> QuerySet[Interpreter]:
    """Interpreters on the rosters of the actor's agencies, and those declared independent on a
    case the actor may see (a guardian picks from those for their ward)."""
    agencies = Membership.objects.active().filter(user=actor).values("agency")
    declared = InterpreterDeclaration.objects.filter(
        Exists(Case.objects.filter(case_visibility(actor=actor, section=Section.COMMUNICATION), pk=OuterRef("case"))),
        interpreter=OuterRef("pk"),
    )
    return (
        Interpreter.objects.filter(Q(roster_agency__in=agencies) | Q(Exists(declared)))
        .select_related("roster_agency")
        .order_by("name", "pk")
    )


def declarations_in_force(*, case: Case) -> QuerySet[InterpreterDeclaration]:
    return InterpreterDeclaration.objects.filter(case=case, withdrawn_at__isnull=True)


def interpreter_declared_independent(*, interpreter: Interpreter, case: Case) -> bool:
    return declarations_in_force(case=case).filter(interpreter=interpreter).exists()


def declaration_list(*, actor: User) -> QuerySet[InterpreterDeclaration]:
    return (
        InterpreterDeclaration.objects.filter(
            Exists(
                Case.objects.filter(case_visibility(actor=actor, section=Section.COMMUNICATION), pk=OuterRef("case"))
            )
        )
        .select_related("case", "interpreter")
        .order_by("-recorded_at")
    )
