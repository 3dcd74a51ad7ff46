from django.urls import path

from apps.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.caseload_page, name="caseload"),
]
