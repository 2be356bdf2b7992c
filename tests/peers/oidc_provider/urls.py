import json
import os

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model

from tests.peers.oidc_provider.models_store import save_person


@csrf_exempt
def control(request: HttpRequest, what: str) -> HttpResponse:
    if request.headers.get("Authorization") != "Bearer " + os.environ["PEER_CONTROL_TOKEN"]:
        return HttpResponse(status=403)
    data = json.loads(request.body)
    if what == "clients":
        application_model = get_application_model()
        application_model.objects.filter(client_id=data["client_id"]).delete()
        application_model.objects.create(
            name=data["client_id"],
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(data["redirect_uris"]),
            algorithm=application_model.RS256_ALGORITHM,
            skip_authorization=True,
        )
    elif what == "people":
        user, _ = User.objects.get_or_create(username=data["username"])
        user.set_password(data["password"])
        user.save()
        save_person(data["username"], {"claims": data["claims"], "mode": data.get("mode", "")})
    else:
        return HttpResponse(status=404)
    return JsonResponse({"ok": True})


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("control/<str:what>/", control),
]
