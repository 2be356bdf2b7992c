import os

from django.core.asgi import get_asgi_application

from carementor.lib.startup import refuse_without_secret

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")


refuse_without_secret()
application = get_asgi_application()
