from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "apps.solutions"
    verbose_name = _("Durable solutions, return and release (R4, R9)")
