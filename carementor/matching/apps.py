from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "carementor.matching"
    verbose_name = "Matching"
