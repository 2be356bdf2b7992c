from django.urls import path

from carementor.wellbeing import views

app_name = "wellbeing"

urlpatterns = [
    path("", views.home, name="home"),
    path("check-in/", views.take, name="take"),
    path("check-ins/<str:code>/", views.checkin, name="checkin"),
    path("support/", views.support, name="support"),
    path("preferences/", views.preferences, name="preferences"),
    path("shares/", views.share, name="share_create"),
    path("shares/<str:code>/", views.share_detail, name="share"),
    path("shares/<str:code>/withdraw/", views.share_withdraw, name="share_withdraw"),
    path("shared-with-me/", views.shared_with_me, name="shared_with_me"),
    path(
        "organizations/<str:code>/support/",
        views.organization_support,
        name="organization_support",
    ),
    path("programs/<str:code>/", views.program_trend, name="program_trend"),
]
