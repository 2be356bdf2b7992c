from django.apps import AppConfig


class GoLiveConfig(AppConfig):
    name = "carementor.golive"
    verbose_name = "Digital go-lives"
