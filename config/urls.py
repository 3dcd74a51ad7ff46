from django.contrib import admin
from django.urls import include, path

from apps.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("accounts/", include("apps.accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("cases/", include("apps.cases.urls")),
    path("work/", include("apps.casework.urls")),
    path("admin/", admin.site.urls),
    path("", core_views.home, name="home"),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
