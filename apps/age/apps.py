from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgeConfig(AppConfig):
    name = "apps.age"
    verbose_name = _("Age")
