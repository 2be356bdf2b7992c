import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")


def _refuse_without_secret() -> None:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if settings.SECRET_KEY_MISSING:
        raise ImproperlyConfigured(settings.SECRET_KEY_MISSING_MESSAGE)


_refuse_without_secret()
application = get_wsgi_application()
