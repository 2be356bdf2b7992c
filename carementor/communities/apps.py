from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "carementor.communities"
    verbose_name = "Communities of practice"
