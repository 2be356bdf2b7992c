from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "carementor.credentials"
    verbose_name = "Credentials"
