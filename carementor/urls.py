from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from carementor import views
from carementor.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("", include("carementor.accounts.urls")),
    path("organizations/", include("carementor.organizations.urls")),
    path("profiles/", include("carementor.profiles.urls")),
    path("credentials/", include("carementor.credentials.urls")),
    path("programs/", include("carementor.programs.urls")),
    path("mentorships/", include("carementor.mentorships.urls")),
    path("notifications/", include("carementor.notifications.urls")),
    path("evaluations/", include("carementor.evaluations.urls")),
    path("learning/", include("carementor.learning.urls")),
    path("certificates/", include("carementor.certificates.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "carementor.views.forbidden"
handler404 = "carementor.views.not_found"
handler500 = "carementor.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("__errors__/500/", views.raise_error)]
