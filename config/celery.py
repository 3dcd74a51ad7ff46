"""The Celery application: the worker and the beat scheduler both start from here."""

import os
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("haven")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **kwargs: Any) -> None:
    """The filesystem transport needs its folders before the first message."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = str(sender.conf.result_backend or "")
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


_tokens: dict[str, Any] = {}


@task_prerun.connect
def _task_request_id(task_id: str | None = None, **kwargs: Any) -> None:
    # A task's log lines carry its task id where a request's carry the request id.
    from apps.core.request_context import set_request_id

    if task_id:
        _tokens[task_id] = set_request_id(task_id)


@task_postrun.connect
def _task_request_id_done(task_id: str | None = None, **kwargs: Any) -> None:
    from apps.core.request_context import reset_request_id

    token = _tokens.pop(task_id or "", None)
    if token is not None:
        reset_request_id(token)
