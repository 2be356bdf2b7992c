from django.urls import path

from carementor.insights import views

app_name = "insights"

urlpatterns = [
    path(
        "organizations/<str:org_code>/dashboard/",
        views.organization_dashboard,
        name="organization_dashboard",
    ),
    path(
        "organizations/<str:org_code>/national/",
        views.national_dashboard,
        name="national_dashboard",
    ),
    path(
        "organizations/<str:org_code>/national/export.<str:fmt>",
        views.national_export,
        name="national_export",
    ),
    path("<str:code>/dashboard/", views.dashboard, name="dashboard"),
    path("<str:code>/dashboard/export.<str:fmt>", views.export, name="export"),
]
