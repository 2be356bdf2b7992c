"""A URLconf with one failing view, to see the 500 page the way a visitor would."""

from django.urls import path

from carementor import views
from carementor.urls import handler404, handler500, urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]

urlpatterns = [*urlpatterns, path("crash/", views.raise_error)]
