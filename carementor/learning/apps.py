from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "carementor.learning"
    verbose_name = "Learning"
