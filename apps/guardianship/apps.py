from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardianshipConfig(AppConfig):
    name = "apps.guardianship"
    verbose_name = _("Guardianship")
