"""System checks: Haven refuses to run with keys it could not use."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def encryption_keys_check(
    app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    from apps.core import crypto

    crypto.forget_cached_keys()
    errors: list[CheckMessage] = []
    for name, load in (("HAVEN_MASTER_KEYS", crypto.master_keys), ("HAVEN_SEARCH_KEY", crypto.search_key)):
        try:
            load()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint=f"Generate one with `python manage.py new_key`; set {name}.",
                                id="haven.E001"))  # fmt: skip
    return errors
