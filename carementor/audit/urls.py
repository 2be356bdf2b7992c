from django.urls import path

from carementor.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.platform_events, name="platform"),
    path("organizations/<str:code>/", views.organization_events, name="organization"),
]
