from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: the worker and scheduler processes, their heartbeats, readiness.

    It reaches other apps only through ``call_command``, so any app may depend on it."""

    name = "carementor.ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"
