from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SolutionsConfig(AppConfig):
    name = "apps.solutions"
    verbose_name = _("Durable solutions, return and release (R4, R9)")

    def ready(self) -> None:
        # Registers the workflow guards; and, since guardianship sits below solutions, the one
        # gate for any move across a border with the hook guardianship declares (a handover
        # to a guardian abroad).
        from apps.guardianship.services import border_gates
        from apps.solutions import guards  # noqa: F401
        from apps.solutions.rules import cross_border_move_allowed

        if cross_border_move_allowed not in border_gates:
            border_gates.append(cross_border_move_allowed)
