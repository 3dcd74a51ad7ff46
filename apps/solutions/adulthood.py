"""Solution kinds that speak of adults (see apps.age.registry); none treats a person as an adult."""

from apps.age.registry import names_an_adult_only
from apps.solutions.models import SolutionType

names_an_adult_only(
    "solutions.DurableSolution", "kind", SolutionType.RELEASE_TO_ADULT,
    why="Releasing the child to a relative or other adult (R4): the child stays a child.",
)  # fmt: skip
