"""Opening a child's sealed values for a person: every such opening is a logged read.

`vault.open_sealed` is the primitive; outside apps/cases only the system paths named in
tests/cases/test_read_logging.py call it. Everything that shows a sealed value to a person
opens it through a `SealedReader`, which writes a read-log row (who, which case, which
channel) the first time it opens a value of a case, and not again for that case: a list
page that shows three columns of ten records of one case writes one row, a page that shows
records of three cases writes three.

Admin pages bind one reader per request (`ReadLoggedAdmin`), so that the values their
display methods open (which Django calls without the request) are logged against the user
who asked. Selectors take `actor` and `channel` and go through `reader_for`, which reuses
the reader bound to the request when it reads for the same person and channel.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse

from apps.audit.models import Channel
from apps.audit.services import record_access_log
from apps.cases import vault
from apps.cases.models import Case, Child
from apps.core.crypto import KeyUnavailable


class SealedReader:
    """Opens sealed values of children's records for one person through one channel.

    Logs one read per case (with `action`), the first time a value of that case is opened
    or the case is `note`d; keeps each child's data key for the reader's lifetime.
    """

    def __init__(self, *, actor: Any, channel: str, action: str = "view") -> None:
        self.actor = actor
        self.channel = channel
        self.action = action
        self._keys: dict[int, bytes | None] = {}
        self._logged: set[int] = set()

    def note(self, case: Case) -> None:
        """Log that this person read `case` (once per reader), whether or not a value was opened."""
        if case.pk in self._logged:
            return
        record_access_log(actor=self.actor, case=case, action=self.action, channel=self.channel, allowed=True)
        self._logged.add(case.pk)

    def _key(self, child: Child) -> bytes | None:
        if child.pk not in self._keys:
            try:
                self._keys[child.pk] = vault.data_key(child)
            except KeyUnavailable:
                self._keys[child.pk] = None
        return self._keys[child.pk]

    def opened(self, model: type[models.Model] | models.Model, column: str, sealed: Any, *, case: Case) -> Any:
        """A sealed value of `model.column` opened (None when nothing was sealed); KeyUnavailable once
        the child is anonymised, and then nothing is logged: nothing was read.

        `case` is the case the value was reached through (scoped by the caller's selector).
        """
        key = self._key(case.child)
        if key is None:
            raise KeyUnavailable("this child's data key was destroyed")
        value = vault.open_sealed(case.child, key, model, column, sealed)
        self.note(case)
        return value

    def value(self, record: models.Model, column: str, *, case: Case) -> Any:
        """`record.column` opened; as `opened`."""
        return self.opened(type(record), column, getattr(record, column), case=case)

    def text(self, record: models.Model, column: str, *, case: Case) -> str | None:
        """The value in plain text ("" when nothing was sealed); None once the child is anonymised."""
        try:
            opened = self.value(record, column, case=case)
        except KeyUnavailable:
            return None
        return str(opened or "")


_bound: ContextVar[SealedReader | None] = ContextVar("haven_sealed_reader", default=None)


@contextmanager
def reading(reader: SealedReader) -> Iterator[SealedReader]:
    """Bind `reader` for what runs inside (a request, a page render)."""
    token = _bound.set(reader)
    try:
        yield reader
    finally:
        _bound.reset(token)


def current_reader() -> SealedReader:
    """The reader bound to the request; there is no unlogged way to open a value for a page."""
    bound = _bound.get()
    if bound is None:
        raise LookupError("Sealed values are opened for a person only inside a logged reading (reading()).")
    return bound


def reader_for(*, actor: Any, channel: str, action: str = "view") -> SealedReader:
    """The reader bound to the request when it reads for this person and channel; a new one otherwise."""
    bound = _bound.get()
    if (
        bound is not None
        and getattr(bound.actor, "pk", None) == getattr(actor, "pk", None)
        and bound.channel == channel
    ):
        return bound
    return SealedReader(actor=actor, channel=channel, action=action)


def sealed_text_for(*, actor: Any, channel: str, record: models.Model, column: str, case: Case) -> str | None:
    """One record's sealed value in plain text for a person, logged; None once the child is anonymised."""
    return reader_for(actor=actor, channel=channel).text(record, column, case=case)


class ReadLoggedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Binds one reader per admin page for the signed-in user, and renders the page inside it.

    Display methods and forms open sealed values through `current_reader()`; the page is
    rendered before the reader is unbound (a TemplateResponse renders lazily otherwise, after
    the view returned). Placed after ServiceRefusalsMixin in the bases, so that a save refused
    and rolled back (its read rows with it) is shown again through a fresh reader.
    """

    def read_action(self) -> str:
        """The action the page's read rows carry."""
        return "view"

    def _read_logged(self, request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        with reading(SealedReader(actor=request.user, channel=Channel.ADMIN, action=self.read_action())):
            response: HttpResponse = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if render is not None and not getattr(response, "is_rendered", True):
                render()
            return response

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._read_logged(request, super().changeform_view, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._read_logged(request, super().changelist_view, extra_context)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._read_logged(request, super().delete_view, object_id, extra_context)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return self._read_logged(request, super().history_view, object_id, extra_context)
