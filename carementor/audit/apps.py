from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "carementor.audit"
    verbose_name = "Audit"
