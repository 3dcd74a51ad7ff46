"""The supervisor's page "who has seen and changed this file", one case at a time.

The history itself has no list or edit screens: it is read per case, through the case's
access rule, at /admin/history/change/case/<case id>/.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from apps.audit.models import Channel
from apps.cases.models import Case
from apps.core.admin import acting_user
from apps.history.models import Change
from apps.history.selectors import SHOWN, case_file_activity


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("case/<int:case_id>/", self.admin_site.admin_view(self.case_view), name="history_change_case"),
        ]

    def case_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        actor = acting_user(request)
        case = get_object_or_404(Case.objects.select_related("child"), pk=case_id)
        activity = case_file_activity(actor=actor, case=case, channel=Channel.ADMIN)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Who has seen and changed case %(reference)s") % {"reference": case.reference},
            "case": case,
            "activity": activity,
            "shown": SHOWN,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/history/case_activity.html", context)
