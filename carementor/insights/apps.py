from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "carementor.insights"
    verbose_name = "Programme dashboards"
