import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")


from carementor.lib.startup import refuse_without_secret  # noqa: E402

refuse_without_secret()
application = get_asgi_application()
