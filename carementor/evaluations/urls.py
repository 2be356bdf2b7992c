from django.urls import URLPattern

from carementor.evaluations.report_urls import urlpatterns as report_urlpatterns

app_name = "evaluations"

urlpatterns: list[URLPattern] = [*report_urlpatterns]
