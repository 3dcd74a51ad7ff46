from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "apps.rights"
    verbose_name = _("Status and rights")
