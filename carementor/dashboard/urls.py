from django.urls import path

from carementor.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
