from django.urls import path

from apps.accounts.api import MeView

app_name = "api"
urlpatterns = [
    path("me", MeView.as_view(), name="me"),
]
