"""Case pages. Documents leave the server only through here, after the visibility check."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.audit.models import Channel
from apps.cases.forms import ChildFindForm
from apps.cases.selectors import child_find
from apps.cases.services import document_open

# The search is held in the session, never in the address: a child's name must not reach
# browser history, proxies or server logs.
FIND_SESSION_KEY = "haven_child_find"


@never_cache
@require_http_methods(["GET", "POST"])
def child_find_page(request: HttpRequest) -> HttpResponse:
    """Find a child by name, alias or reference: POST the query, then see the results (GET)."""
    if request.method == "POST":
        form = ChildFindForm(request.POST)
        if form.is_valid():
            request.session[FIND_SESSION_KEY] = form.cleaned_data["query"].strip()
            return redirect("cases:find")
        return render(request, "cases/find.html", {"form": form, "query": "", "found": []}, status=400)
    query = str(request.session.get(FIND_SESSION_KEY, ""))
    found = child_find(actor=request.user, query=query, channel=Channel.WEB) if query else []  # type: ignore[arg-type]
    return render(request, "cases/find.html", {"form": ChildFindForm(initial={"query": query}), "query": query,
                                               "found": found})  # fmt: skip


@never_cache
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    opened = document_open(actor=request.user, document_id=document_id, channel=Channel.WEB)  # type: ignore[arg-type]
    # The type read from the content (never the uploader's word), always a download, never
    # sniffed by the browser into something else: a file cannot run script in Haven's origin.
    response = HttpResponse(opened.content, content_type=opened.content_type)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''" + _quoted(opened.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _quoted(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename.replace("/", "_").replace("\\", "_"), safe="")
