from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "carementor.network"
    verbose_name = "Open mentoring network"
