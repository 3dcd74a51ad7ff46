"""The support app's choices that treat a person as an adult (see apps.age.registry)."""

from django.utils.translation import gettext_lazy as _

from apps.age.registry import treats_as_adult
from apps.support.models import EndReason

# Ending a child's service because "services for adults" take over treats them as an adult (R2).
treats_as_adult(
    "support.SupportService", "end_reason", EndReason.ADULT_SERVICES, action=_("a handover to services for adults")
)
