"""Report, analytics, export and personal-results pages (included by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
