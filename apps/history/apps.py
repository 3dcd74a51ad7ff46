from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "apps.history"
    verbose_name = _("History of changes")

    def ready(self) -> None:
        from apps.history import context

        context.install()
