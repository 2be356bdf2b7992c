from django.urls import path

app_name = "credentials"

urlpatterns: list = []
