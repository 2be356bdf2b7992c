from django.urls import URLPattern, path

from carementor.evaluations import views
from carementor.evaluations.report_urls import urlpatterns as report_urlpatterns

app_name = "evaluations"

urlpatterns: list[URLPattern] = [
    path("surveys/", views.my_surveys, name="my_surveys"),
    path("surveys/<str:code>/", views.answer, name="answer"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/import/", views.instrument_import, name="instrument_import"),
    path("instruments/new/<str:org_code>/", views.instrument_new, name="instrument_new"),
    path("instruments/<str:code>/", views.instrument_detail, name="instrument"),
    path("instruments/<str:code>/edit/", views.instrument_edit, name="instrument_edit"),
    path("instruments/<str:code>/version/", views.instrument_version, name="instrument_version"),
    path("instruments/<str:code>/archive/", views.instrument_archive, name="instrument_archive"),
    path("programs/<str:code>/schedule/", views.schedule, name="schedule"),
    *report_urlpatterns,
]
