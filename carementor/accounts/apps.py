from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carementor.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # allauth and django.contrib.auth report logins and MFA changes only through signals.
        from carementor.accounts import auth_events, checks  # noqa: F401
