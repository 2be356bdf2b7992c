from django.urls import path

from carementor.privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.policy, name="policy"),
    path("settings/data/", views.data, name="data"),
    path("settings/data/exports/<str:code>/", views.export_download, name="export_download"),
    path(
        "privacy/organizations/<str:code>/members/<str:user_code>/",
        views.member_data,
        name="member_data",
    ),
]
