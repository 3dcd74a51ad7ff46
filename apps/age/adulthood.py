"""The age app's choices that treat a person as an adult (see apps.age.registry)."""

from django.utils.translation import gettext_lazy as _

from apps.age.models import URGENT_PURPOSES, AdultTreatmentPurpose
from apps.age.registry import names_an_adult_only, treats_as_adult

ACTIONS = {
    AdultTreatmentPurpose.ADULT_SERVICES: _("a referral to services for adults"),
    AdultTreatmentPurpose.ADULT_ACCOMMODATION: _("accommodation with adults"),
    AdultTreatmentPurpose.ADULT_PROCEDURE: _("a procedure for adults"),
    AdultTreatmentPurpose.CHILD_PROTECTION_ENDED: _("ending child protection"),
}

for purpose, action in ACTIONS.items():
    treats_as_adult("age.AdultTreatment", "purpose", purpose, action=action, urgent=purpose in URGENT_PURPOSES)

names_an_adult_only(
    "age.ExternalAgeDecision", "found_adult", True,
    why="What another authority found: recorded as external and challengeable, it never ends the presumption.",
)  # fmt: skip
