from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def secret_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Production mode without DJANGO_SECRET_KEY must not serve (sessions, tokens, links).

    A deploy check, so `check --deploy` fails; wsgi.py and asgi.py refuse to start too. Plain
    commands (makemigrations, migrate) still run: they sign nothing.
    """
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [Error(settings.SECRET_KEY_MISSING_MESSAGE, id="carementor.E001")]
    return []
