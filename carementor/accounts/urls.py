from django.urls import path

from carementor.accounts import views

urlpatterns = [
    path("security/unlock/<str:token>/", views.login_unlock, name="login_unlock"),
    path("security/mfa-required/", views.mfa_required, name="mfa_required"),
    path("settings/account/", views.account_settings, name="account_settings"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<str:code>/revoke/", views.token_revoke_view, name="token_revoke"),
]
