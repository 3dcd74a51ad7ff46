from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "apps.family"
    verbose_name = _("Family, tracing and risk and security assessments")
