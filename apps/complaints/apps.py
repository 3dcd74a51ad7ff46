from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "apps.complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from apps.complaints import guards, timeline  # noqa: F401 - registers the closure guard and timeline events
