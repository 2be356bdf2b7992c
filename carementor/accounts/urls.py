from django.urls import path

from carementor.accounts import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("security/mfa-required/", views.mfa_required, name="mfa_required"),
]
