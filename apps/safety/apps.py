from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "apps.safety"
    verbose_name = _("Risk and safety")
