"""Reads of best-interests records: the determination in force, and lists scoped by who may
see them (the case's people, and a panel member only once their undertaking is signed)."""

from datetime import datetime
from typing import Any, cast

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.bestinterests.models import (
    BestInterestsAssessment,
    BestInterestsDetermination,
    BestInterestsReview,
    ConfidentialityUndertaking,
    DeterminationKind,
    OptionWeighed,
    PanelMember,
)
from apps.cases.models import Case
from apps.cases.reading import reach_beyond_the_case, record_for, sealed_text_for
from apps.cases.sections import record_section
from apps.cases.selectors import case_visibility


def _in_force(at: datetime) -> Q:
    """Decided by `at` and, for a panel's, approved by then too."""
    return Q(decided_at__lte=at) & (Q(kind=DeterminationKind.AUTHORITY) | Q(approved_at__lte=at))


def _superseded(at: datetime) -> Exists:
    """A later determination that reviews this one was decided by `at`."""
    return Exists(BestInterestsDetermination.objects.filter(supersedes=OuterRef("pk"), decided_at__lte=at))


def current_determination(*, case: Case, at: datetime) -> BestInterestsDetermination | None:
    """The case's determination in force at `at`: decided (and, for a panel, approved), and not
    superseded by a later decided one. While a review's new determination awaits approval,
    none is in force: the old one was set aside by the decision to replace it."""
    return (
        BestInterestsDetermination.objects.filter(_in_force(at), case=case)
        .exclude(_superseded(at))
        .order_by("-decided_at", "-pk")
        .first()
    )


def latest_decided_determination(*, case: Case, at: datetime) -> BestInterestsDetermination | None:
    """The latest determination decided by `at` and not superseded, approved or not: for telling
    "awaiting approval" (RETURN_REQUIRES_BID.NOT_APPROVED) from "none" (RETURN_REQUIRES_BID)."""
    return (
        BestInterestsDetermination.objects.filter(case=case, decided_at__lte=at)
        .exclude(_superseded(at))
        .order_by("-decided_at", "-pk")
        .first()
    )


def draft_determination(*, case: Case) -> BestInterestsDetermination | None:
    return BestInterestsDetermination.objects.filter(case=case, decided_at__isnull=True).first()


def latest_completed_assessment(*, case: Case, at: datetime) -> BestInterestsAssessment | None:
    return (
        BestInterestsAssessment.objects.filter(case=case, completed_at__lte=at).order_by("-completed_at", "-pk").first()
    )


def open_review(*, determination: BestInterestsDetermination) -> BestInterestsReview | None:
    """A review requested and not yet answered by a decided determination."""
    return (
        BestInterestsReview.objects.filter(determination=determination)
        .exclude(outcome__decided_at__isnull=False)
        .order_by("requested_at")
        .first()
    )


def panel_member_ids(*, determination: BestInterestsDetermination) -> set[int]:
    return set(PanelMember.objects.filter(determination=determination).values_list("member_id", flat=True))


def undertaking_signed(*, determination: BestInterestsDetermination, member: User) -> bool:
    return ConfidentialityUndertaking.objects.filter(determination=determination, member=member).exists()


# --- Lists scoped by who may see ------------------------------------------------------------
def _visible_cases(actor: User, model: type[Model]) -> QuerySet[Case]:
    """The cases whose `model` records the actor reads: holders all, a partner when its referral shares their section."""
    return Case.objects.filter(case_visibility(actor=actor, section=record_section(model)))


def assessment_list(*, actor: User) -> QuerySet[BestInterestsAssessment]:
    return BestInterestsAssessment.objects.filter(
        case__in=_visible_cases(actor, BestInterestsAssessment).values("pk")
    ).select_related("case")


def determination_list(*, actor: User) -> QuerySet[BestInterestsDetermination]:
    """Determinations of cases the actor sees, and those on whose panel they sit once their
    confidentiality undertaking is on file (a panel member from outside the case sees the
    determination, never the rest of the case)."""
    if not actor.is_authenticated or not actor.is_active:
        return BestInterestsDetermination.objects.none()
    signed = ConfidentialityUndertaking.objects.filter(determination=OuterRef("pk"), member=actor)
    on_panel = PanelMember.objects.filter(determination=OuterRef("pk"), member=actor)
    return BestInterestsDetermination.objects.filter(
        Q(case__in=_visible_cases(actor, BestInterestsDetermination).values("pk"))
        | (Q(Exists(on_panel)) & Q(Exists(signed)))
    ).select_related("case")


def determination_get(*, actor: User, pk: int, channel: str) -> BestInterestsDetermination:
    """One determination the actor may see (a panel member's seat included), its read logged the
    way every channel logs it (apps/cases/reading.py); otherwise 404, the denied attempt logged
    with its case when there is one."""
    queryset = determination_list(actor=actor).select_related("case__child")
    found = record_for(actor=actor, queryset=queryset, pk=pk, channel=channel, action="best_interests_determination")
    if found is None:
        raise Http404
    return cast("BestInterestsDetermination", found)


def _panel_seat_reach(actor: User) -> Q:
    """Determinations on whose panel the actor sits with her confidentiality undertaking on file."""
    signed = ConfidentialityUndertaking.objects.filter(determination=OuterRef("pk"), member=actor)
    on_panel = PanelMember.objects.filter(determination=OuterRef("pk"), member=actor)
    return Q(Exists(on_panel)) & Q(Exists(signed))


def _reached_by_panel_seat(actor: User) -> "QuerySet[BestInterestsDetermination, Any]":
    return BestInterestsDetermination.objects.filter(_panel_seat_reach(actor)).values("pk")


# A panel member from outside the case reads the determination, its options and its panel
# (and her own seat, to sign), never the rest of the case: besides the case's visibility.
reach_beyond_the_case(BestInterestsDetermination, _panel_seat_reach)
reach_beyond_the_case(OptionWeighed, lambda actor: Q(determination__in=_reached_by_panel_seat(actor)))
reach_beyond_the_case(PanelMember, lambda actor: Q(member=actor) | Q(determination__in=_reached_by_panel_seat(actor)))


def review_list(*, actor: User) -> QuerySet[BestInterestsReview]:
    return BestInterestsReview.objects.filter(
        case__in=_visible_cases(actor, BestInterestsReview).values("pk")
    ).select_related("case", "determination")


def panel_list(*, actor: User) -> QuerySet[PanelMember]:
    return PanelMember.objects.filter(determination__in=determination_list(actor=actor).values("pk"))


def option_list(*, actor: User) -> QuerySet[OptionWeighed]:
    return OptionWeighed.objects.filter(determination__in=determination_list(actor=actor).values("pk"))


def sealed_text(record: Any, column: str, *, case: Case, actor: User, channel: str) -> str | None:
    """A record of `case` in plain text for a person, the read logged; None once the child is
    anonymised. Callers got the record through a scoped selector."""
    return sealed_text_for(actor=actor, channel=channel, record=record, column=column, case=case)
