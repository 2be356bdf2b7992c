from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "carementor.programs"
    verbose_name = "Programs"
