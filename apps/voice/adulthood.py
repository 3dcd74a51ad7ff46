"""Voice choices that speak of adults (see apps.age.registry); none treats a person as an adult."""

from apps.age.registry import names_an_adult_only
from apps.voice.models import HowExpressed, ViewsDecision

names_an_adult_only(
    "voice.ChildViews", "decision", ViewsDecision.RELEASE_TO_ADULT,
    why="The child's views on a release to an adult: the child stays a child.",
)  # fmt: skip
names_an_adult_only(
    "voice.ChildViews", "how_expressed", HowExpressed.TRUSTED_ADULT,
    why="The child spoke through a trusted adult.",
)  # fmt: skip
