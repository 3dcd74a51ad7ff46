from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "apps.grants"
    verbose_name = _("Explicit grants and break-glass")
