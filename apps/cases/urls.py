from django.urls import path

from apps.cases import views

app_name = "cases"
urlpatterns = [
    path("documents/<int:document_id>/", views.document_download, name="document_download"),
    path("find/", views.child_find_page, name="find"),
]
