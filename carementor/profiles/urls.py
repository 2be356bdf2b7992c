from django.urls import path

from carementor.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.edit, name="edit"),
    path("me/validate/", views.validate, name="validate"),
    path("me/competencies/<slug:key>/", views.competency_group, name="competency_group"),
    path("me/options/<slug:vocabulary>/", views.options, name="options"),
    path("me/timezones/", views.timezones, name="timezones"),
    path("me/conflicts/", views.conflicts, name="conflicts"),
    path(
        "me/conflicts/<str:code>/withdraw/",
        views.conflict_withdraw_view,
        name="conflict_withdraw",
    ),
    path("<str:code>/", views.detail, name="detail"),
]
