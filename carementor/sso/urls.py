from django.urls import path

from carementor.sso import views

app_name = "sso"

urlpatterns = [
    path("sso/start/", views.start, name="start"),
    path("organizations/<str:code>/sso/", views.settings_page, name="settings"),
    path("organizations/<str:code>/sso/delete/", views.delete, name="delete"),
]

# Before allauth's own: the same address, served by our verifying callback.
allauth_overrides = [
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        views.oidc_callback,
        name="sso_oidc_callback",
    ),
    path(
        "accounts/saml/<str:organization_slug>/acs/finish/",
        views.saml_finish_acs,
        name="sso_saml_finish_acs",
    ),
]
