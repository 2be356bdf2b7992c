from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "carementor.organizations"
    verbose_name = "Organizations"
