from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "apps.solutions"
    verbose_name = _("Durable solutions, return and release (R4, R9)")

    def ready(self) -> None:
        from apps.solutions import guards  # noqa: F401 - registers the workflow guards
