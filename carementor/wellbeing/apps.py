from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "carementor.wellbeing"
    verbose_name = "Well-being"
