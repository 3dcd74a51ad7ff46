"""The caseworker's and the supervisor's pages of their work."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.audit.models import Channel
from apps.cases.reading import SealedReader
from apps.cases.selectors import children_shown
from apps.casework.forms import CaseloadFilterForm
from apps.casework.selectors import caseload, caseload_scopes

CASES_PER_PAGE = 25


@never_cache
@require_GET
def caseload_page(request: HttpRequest) -> HttpResponse:
    """My work: the cases of the chosen caseload, a page at a time, each child's name and age
    opened for this page only (a logged read per case shown)."""
    actor = request.user
    scopes = caseload_scopes(actor=actor)  # type: ignore[arg-type]
    if not scopes:
        raise PermissionDenied
    form = CaseloadFilterForm(request.GET or None, scopes=scopes)
    chosen = form.cleaned_data if form.is_valid() else {}
    scope = chosen.get("scope") or scopes[0]
    state = chosen.get("state") or ""
    cases = caseload(
        actor=actor,  # type: ignore[arg-type]
        scope=scope,
        states=[state] if state else None,
        risk=chosen.get("risk") or "",
        order=chosen.get("order") or "next_due",
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    reader = SealedReader(actor=actor, channel=Channel.WEB, action="caseload")
    children = children_shown(reader=reader, cases=on_page)
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "casework/caseload.html",
        {
            "form": form if form.is_bound else CaseloadFilterForm(initial={"scope": scope}, scopes=scopes),
            "scopes": scopes,
            "scope": scope,
            "rows": [(case, children[case.pk]) for case in on_page],
            "page": page,
            "filters": filters.urlencode(),
        },
    )
