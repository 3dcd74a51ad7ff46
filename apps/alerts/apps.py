from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "apps.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        # Each kind's resolver registers itself with `alerts_resolve` on import.
        from apps.alerts import resolvers  # noqa: F401
