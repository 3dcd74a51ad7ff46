"""Guardianship choices that speak of adults (see apps.age.registry); none treats a person as an adult."""

from apps.age.registry import names_an_adult_only
from apps.guardianship.models import DecisionKind

names_an_adult_only(
    "guardianship.GuardianOpinion", "decision", DecisionKind.RELEASE_TO_ADULT,
    why="The guardian's opinion on releasing the child to an adult: the child stays a child.",
)  # fmt: skip
