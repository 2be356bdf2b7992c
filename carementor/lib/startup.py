from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_without_secret() -> None:
    """Called by wsgi.py and asgi.py: production mode never serves with the placeholder key."""
    if settings.SECRET_KEY_MISSING:
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING_MESSAGE)
