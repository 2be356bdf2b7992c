from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "carementor.matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from carementor.matching.pool_hooks import connect

        connect()
