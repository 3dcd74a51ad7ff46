"""Admin conventions: nothing is deleted in bulk, and access follows Haven's roles."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.accounts.selectors import user_is_operator

# Records of children are never deleted in bulk from a list page.
admin.site.disable_action("delete_selected")
admin.site.site_header = "Haven"
admin.site.site_title = "Haven"


class OperatorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For installation records: operators (and the superuser who installed Haven) only."""

    def _is_operator(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_authenticated and user.is_active and (user.is_superuser or user_is_operator(user=user)))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_operator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_operator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
