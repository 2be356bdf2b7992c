from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from carementor import views
from carementor.api import api
from carementor.matching import urls as matching_urls
from carementor.programs import urls as programs_urls
from carementor.sso import urls as sso_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("health/", views.health, name="health"),
    path("ready/", views.ready, name="ready"),
    path("i18n/", include("django.conf.urls.i18n")),
    *sso_urls.allauth_overrides,
    path("accounts/", include("allauth.urls")),
    path("", include("carementor.accounts.urls")),
    path("", include("carementor.dashboard.urls")),
    path("organizations/", include("carementor.organizations.urls")),
    path("profiles/", include("carementor.profiles.urls")),
    path("credentials/", include("carementor.credentials.urls")),
    path("programs/", include("carementor.insights.urls")),
    path(
        "programs/",
        include(([*matching_urls.urlpatterns, *programs_urls.urlpatterns], "programs")),
    ),
    path("mentorships/", include("carementor.mentorships.urls")),
    path("notifications/", include("carementor.notifications.urls")),
    path("evaluations/", include("carementor.evaluations.urls")),
    path("learning/", include("carementor.learning.urls")),
    path("certificates/", include("carementor.certificates.urls")),
    path("communities/", include("carementor.communities.urls")),
    path("network/", include("carementor.network.urls")),
    path("wellbeing/", include("carementor.wellbeing.urls")),
    path("logbooks/", include("carementor.logbooks.urls")),
    path("golive/", include("carementor.golive.urls")),
    path("", include("carementor.privacy.urls")),
    path("audit/", include("carementor.audit.urls")),
    path("", include("carementor.integrations.urls")),
    path("", include("carementor.sso.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "carementor.views.bad_request"
handler403 = "carementor.views.forbidden"
handler404 = "carementor.views.not_found"
handler500 = "carementor.views.server_error"

if "django_rq" in settings.INSTALLED_APPS:
    # Staff see queues, running and failed jobs (with their tracebacks) here.
    urlpatterns.insert(-1, path("admin/rq/", include("django_rq.urls")))

if settings.DEBUG:
    urlpatterns += [path("__errors__/500/", views.raise_error)]
