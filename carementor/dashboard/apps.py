from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "carementor.dashboard"
    verbose_name = "Dashboard"
