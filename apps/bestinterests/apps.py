from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BestinterestsConfig(AppConfig):
    name = "apps.bestinterests"
    verbose_name = _("Best interests (R7)")
