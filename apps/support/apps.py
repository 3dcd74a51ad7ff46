from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "apps.support"
    verbose_name = _("Support services (R5)")

    def ready(self) -> None:
        from apps.support import guards  # noqa: F401 - registers the closure guard
