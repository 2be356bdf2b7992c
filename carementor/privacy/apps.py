from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "carementor.privacy"
    verbose_name = "Data rights"
