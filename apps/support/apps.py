from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "apps.support"
    verbose_name = _("Support services (R5)")
