from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "carementor.backups"
    verbose_name = "Backups"
