"""Family choices that speak of adults (see apps.age.registry); none treats a person as an adult."""

from apps.age.registry import names_an_adult_only
from apps.family.models import Relationship

names_an_adult_only(
    "family.Relative", "relationship", Relationship.OTHER_ADULT,
    why="The relative or other adult the child might be released to, not the child.",
)  # fmt: skip
