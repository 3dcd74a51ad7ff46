"""Alert kinds that speak of adults (see apps.age.registry); none treats a person as an adult."""

from apps.age.registry import names_an_adult_only
from apps.alerts.models import AlertKind

names_an_adult_only(
    "alerts.Alert", "kind", AlertKind.TRANSITION_PLAN_DUE,
    why="A reminder to prepare the transition plan (R9); support does not stop on that day by itself.",
)  # fmt: skip
