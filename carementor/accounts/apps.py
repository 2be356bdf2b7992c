from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carementor.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # allauth and django.contrib.auth report logins and MFA changes only through signals.
        from allauth.mfa.models import Authenticator
        from django.db.models.signals import post_delete, post_save

        from carementor.accounts import auth_events, checks  # noqa: F401
        from carementor.accounts.facts import refresh_on_change

        # "Has MFA" is cached per person (accounts.facts): any authenticator change ends it.
        for signal in (post_save, post_delete):
            signal.connect(refresh_on_change, sender=Authenticator, dispatch_uid=f"mfa.{signal}")
