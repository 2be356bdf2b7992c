from django.urls import path

from carementor.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
    path("<str:code>/", views.open_notification, name="open"),
    path("<str:code>/read/", views.mark_read, name="mark_read"),
]
