import os

from django.core.wsgi import get_wsgi_application

from carementor.lib.startup import refuse_without_secret

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carementor.settings")


refuse_without_secret()
application = get_wsgi_application()
