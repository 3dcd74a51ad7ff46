from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "apps.casework"
    verbose_name = _("Casework: notes, care plans and conferences")

    def ready(self) -> None:
        from apps.casework import sources  # noqa: F401 - registers the casework timeline events
