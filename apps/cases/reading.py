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

Loading a record of a child for a person is itself a logged read, opened value or not:
`record_for` (and `record_lookup` beneath it) narrows what is asked to the cases the
person may see (`case_visibility`, the one rule), logs the read of the record's case, and
logs a refused id as denied (with its case when the record exists, without one when it
does not). Every channel loads through it; the admin kit below is its first caller.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from apps.audit.models import Channel, RecordAccess
from apps.audit.services import record_access_log
from apps.cases import vault
from apps.cases.access import case_visibility
from apps.cases.models import Case, Child, Document
from apps.cases.sections import Section, document_section, record_section
from apps.core.crypto import KeyUnavailable
from apps.grants.reach import break_glass_case_ids


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
        marked = case.pk in break_glass_case_ids(self.actor, [case.pk])
        record_access_log(
            actor=self.actor, case=case, action=self.action, channel=self.channel, allowed=True, break_glass=marked
        )
        self._logged.add(case.pk)

    def note_cases(self, case_ids: Iterable[int]) -> None:
        """`note` for several cases at once (a list page): one insert for those not logged yet."""
        new = sorted({pk for pk in case_ids if pk is not None} - self._logged)
        if not new:
            return
        actor_id = getattr(self.actor, "pk", None)
        marked = break_glass_case_ids(self.actor, new)  # read only through a running break-glass
        RecordAccess.objects.bulk_create(
            RecordAccess(
                actor_id=actor_id,
                case_id=pk,
                action=self.action,
                channel=self.channel,
                allowed=True,
                break_glass=pk in marked,
            )
            for pk in new
        )
        self._logged.update(new)

    def load_keys(self, children: Iterable[Child]) -> None:
        """Fetch the data keys of several children at once, so a list opens its rows without a
        query per row."""
        missing = [child for child in children if child.pk not in self._keys]
        if missing:
            self._keys.update(vault.data_keys(missing))

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


# --- Loading a child's record for a person ------------------------------------------------
def _relations(model: type[models.Model]) -> list["models.Field[Any, Any]"]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]


_ROOTS: dict[type[models.Model], str] = {Case: "", Child: "cases"}


def _path(model: type[models.Model], depth: int, seen: frozenset[type[models.Model]]) -> str | None:
    if model in _ROOTS:
        return _ROOTS[model]
    fields = _relations(model)
    to_case = [f for f in fields if f.related_model is Case]
    if to_case:
        # A record that names two cases (a duplicate notice) belongs to the one it declares first.
        return next((f.name for f in to_case if f.name == "case"), to_case[0].name)
    to_child = [f for f in fields if f.related_model is Child]
    if to_child:
        return f"{to_child[0].name}__cases"
    if depth == 0:
        return None
    for field in fields:
        related: type[models.Model] = field.related_model  # type: ignore[assignment]
        if related in seen or related is model:
            continue
        inner = _path(related, depth - 1, seen | {model})
        if inner is not None:
            return f"{field.name}__{inner}" if inner else field.name
    return None


_PATHS: dict[type[models.Model], str | None] = {}


def case_path(model: type[models.Model]) -> str | None:
    """The lookup from a record of `model` to the case it concerns; None when it concerns none.

    Derived from the model, so that a new record type is covered without being listed: ""
    for a Case, its foreign key to Case ("case"), a child's cases ("child__cases"), or through
    the record it belongs to ("proceeding__case", two steps at most).
    """
    if model not in _PATHS:
        _PATHS[model] = _path(model._meta.concrete_model or model, 2, frozenset())
    return _PATHS[model]


def _multi_valued(path: str) -> bool:
    return path == "cases" or path.endswith("__cases")


def _nullable(model: type[models.Model], path: str) -> bool:
    """Whether a record may concern no case at all (an alert about an agency, say)."""
    current = model
    for name in path.split("__"):
        try:
            field = current._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if getattr(field, "null", False) and field.concrete:
            return True
        if field.related_model is None:
            return False
        current = field.related_model  # type: ignore[assignment]
    return False


# Records some people reach besides the visibility of their case, each by a rule of the
# domain, registered by the app whose rule it is (a best-interests panel member from outside
# the case reads the determination once her confidentiality undertaking is on file).
_REACH_BEYOND_THE_CASE: dict[type[models.Model], Callable[[Any], Q]] = {}


def reach_beyond_the_case(model: type[models.Model], reach: Callable[[Any], Q]) -> None:
    """Let the people `reach(actor)` selects read records of `model` besides the case's own visibility."""
    _REACH_BEYOND_THE_CASE[model] = reach


def visible_records(queryset: QuerySet[Any], *, actor: Any) -> QuerySet[Any]:
    """`queryset` narrowed to records of the cases `actor` may see now (`case_visibility`),
    for a partner only the records of the sections its referral shares (a document by its
    kind), and those a registered rule of the domain lets them reach.

    Records that concern no case are left to the caller's own scope.
    """
    model = queryset.model
    path = case_path(model)
    if path is None:
        return queryset
    if path == "":
        return queryset.filter(case_visibility(actor=actor, section=Section.RECORD))
    if model is Document:
        seen = _documents_seen(actor)
    else:
        section = None if model is Child else record_section(model)
        visible = Case.objects.filter(case_visibility(actor=actor, section=section)).values("pk")
        seen = Q(**{f"{path}__in": visible})
    if _nullable(model, path):
        seen |= Q(**{f"{path}__isnull": True})
    reach = _REACH_BEYOND_THE_CASE.get(model)
    if reach is not None and getattr(actor, "is_authenticated", False):
        seen |= reach(actor)
    if _multi_valued(path):
        # A child with several cases would repeat the row: select the ids instead.
        return queryset.filter(pk__in=model._default_manager.filter(seen).values("pk"))
    return queryset.filter(seen)


def _documents_seen(actor: Any) -> Q:
    """A case's documents: all for those who hold it, a partner only the kinds its referral shares."""
    seen = Q(case__in=Case.objects.filter(case_visibility(actor=actor)).values("pk"))
    for section in {document_section(kind) for kind in Document.Kind.values}:
        kinds = [kind for kind in Document.Kind.values if document_section(kind) == section]
        shared = Case.objects.filter(case_visibility(actor=actor, section=section)).values("pk")
        seen |= Q(case__in=shared, kind__in=kinds)
    return seen


def case_ids_of(records: Sequence[models.Model]) -> set[int]:
    """The cases these records (of one model) concern; a query only when the path has several steps."""
    if not records:
        return set()
    model = records[0]._meta.concrete_model or type(records[0])
    path = case_path(model)
    if path is None:
        return set()
    if path == "":
        return {record.pk for record in records}
    if "__" not in path:
        attname = model._meta.get_field(path).attname  # type: ignore[union-attr]
        return {getattr(record, attname) for record in records} - {None}
    rows = model._default_manager.filter(pk__in=[r.pk for r in records]).values_list(path, flat=True)
    return {pk for pk in rows if pk is not None}


@dataclass(frozen=True)
class Denial:
    """An id a person asked for and may not read: outside the cases they see, or no such record."""

    actor: Any
    case_ids: tuple[int | None, ...]  # (None,) for an id that matches nothing
    action: str
    channel: str

    def log(self) -> None:
        """One denied row per case the record concerns (none for a record that concerns no case)."""
        actor_id = getattr(self.actor, "pk", None)
        RecordAccess.objects.bulk_create(
            RecordAccess(actor_id=actor_id, case_id=pk, action=self.action, channel=self.channel, allowed=False)
            for pk in self.case_ids
        )


def record_lookup(
    *, actor: Any, queryset: QuerySet[Any], pk: Any, channel: str, action: str = "view", field: str | None = None
) -> Any:
    """The record `field` (the primary key by default) = `pk` of `queryset`, narrowed to the cases
    `actor` may see, its read logged (once per case and reader); otherwise a `Denial`, not yet logged
    (a caller whose transaction is about to roll back logs it afterwards).
    """
    model = queryset.model
    path = case_path(model)
    key = model._meta.pk if field is None else model._meta.get_field(field)
    nothing = Denial(actor=actor, case_ids=() if path is None else (None,), action=action, channel=channel)
    try:
        value = key.to_python(pk)
        found = visible_records(queryset, actor=actor).get(**{key.name: value})
    except (ValidationError, ValueError):
        return nothing
    except model.DoesNotExist:
        if path is None:
            return nothing
        # Outside the person's cases, or no such record: the denial names the case when there is one.
        existing = model._default_manager.filter(**{key.name: value}).values_list(path or "pk", flat=True)
        case_ids = tuple(sorted({case_id for case_id in existing if case_id is not None}))
        return Denial(actor=actor, case_ids=case_ids or (None,), action=action, channel=channel)
    if path is not None:
        reader_for(actor=actor, channel=channel, action=action).note_cases(case_ids_of([found]))
    return found


def record_for(
    *, actor: Any, queryset: QuerySet[Any], pk: Any, channel: str, action: str = "view", field: str | None = None
) -> Any:
    """One record of a child for a person, its read logged; None (answer 404) otherwise, the denied
    attempt logged with the record's case (or without one for an id that matches nothing)."""
    found = record_lookup(actor=actor, queryset=queryset, pk=pk, channel=channel, action=action, field=field)
    if isinstance(found, Denial):
        found.log()
        return None
    return found


class DeniedRead(Http404):
    """A 404 that carries its denial, logged once the view's transaction has rolled back."""

    def __init__(self, denial: Denial) -> None:
        super().__init__()
        self.denial = denial


class VisibleChangeList(ChangeList):
    """A list page of records of cases the user may see, whatever the admin's own scope says."""

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self._haven_actor = request.user
        super().__init__(request, *args, **kwargs)

    # Django sets the root queryset once from the admin's get_queryset; every list, filter,
    # count and action of the page starts from it.
    @property
    def root_queryset(self) -> QuerySet[Any]:
        return self._haven_root

    @root_queryset.setter
    def root_queryset(self, queryset: QuerySet[Any]) -> None:
        self._haven_root = visible_records(queryset, actor=self._haven_actor)


class ReadLoggedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Binds one reader per admin page for the signed-in user, and renders the page inside it.

    Every record the page loads goes through `record_lookup` (change, delete and history
    pages call `get_object`), and a list page through `visible_records`, logging one read per
    case on the page; a refused id answers 404 and is logged as denied.

    Display methods and forms open sealed values through `current_reader()`; the page is
    rendered before the reader is unbound (a TemplateResponse renders lazily otherwise, after
    the view returned). Placed after ServiceRefusalsMixin in the bases, so that a save refused
    and rolled back (its read rows with it) is shown again through a fresh reader.
    """

    def read_action(self) -> str:
        """The action the page's read rows carry."""
        return "view"

    def _read_logged(self, request: HttpRequest, view: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            with reading(SealedReader(actor=request.user, channel=Channel.ADMIN, action=self.read_action())):
                response: HttpResponse = view(request, *args, **kwargs)
                render = getattr(response, "render", None)
                if render is not None and not getattr(response, "is_rendered", True):
                    render()
                return response
        except DeniedRead as denied:
            # The view's transaction has rolled back by now: the denied row stays.
            denied.denial.log()
            raise Http404 from None

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """The record, for a case the user may see, its read logged; otherwise a logged 404."""
        found = record_lookup(
            actor=request.user,
            queryset=self.get_queryset(request),
            pk=object_id,
            field=from_field,
            channel=Channel.ADMIN,
            action=self.read_action(),
        )
        if isinstance(found, Denial):
            raise DeniedRead(found)
        return found

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return VisibleChangeList

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        # The rows the page shows (fetched once, rendered from this cache): one read per case.
        current_reader().note_cases(case_ids_of(list(changelist.result_list)))
        return changelist

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
