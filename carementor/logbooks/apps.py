from django.apps import AppConfig


class LogbooksConfig(AppConfig):
    name = "carementor.logbooks"
    verbose_name = "Skills logbooks"
