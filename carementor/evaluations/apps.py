from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "carementor.evaluations"
    verbose_name = "Evaluations"
