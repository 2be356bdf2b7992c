from django.apps import AppConfig


class LibConfig(AppConfig):
    """Not a domain app: it only applies the shared rules of ``carementor.lib`` to Django.

    Listed first in INSTALLED_APPS, so that its ``ready`` runs before the admin discovers its
    modules and before any URLconf imports a form."""

    name = "carementor.lib"
    label = "carementor_lib"

    def ready(self) -> None:
        from carementor.lib.text import apply_text_rule_to_forms

        apply_text_rule_to_forms()
