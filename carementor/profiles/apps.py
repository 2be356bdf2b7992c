from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "carementor.profiles"
    verbose_name = "Profiles"
