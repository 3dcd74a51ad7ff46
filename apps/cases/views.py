"""Case pages. Documents leave the server only through here, after the visibility check."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.audit.models import Channel
from apps.cases.services import document_open


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
