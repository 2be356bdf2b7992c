from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data: the seed_demo command that every capability extends."""

    name = "carementor.demo"
    verbose_name = "Demo data"
