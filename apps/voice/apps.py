from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "apps.voice"
    verbose_name = _("The child's voice (R6)")

    def ready(self) -> None:
        from apps.voice import guards  # noqa: F401 - registers the closure guard
