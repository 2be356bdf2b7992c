from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "carementor.organizations"
    verbose_name = "Organizations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from carementor.accounts.facts import refresh_on_change
        from carementor.organizations import context
        from carementor.organizations.models import Membership

        # Receivers on our own model rather than calls in services: every save and delete of a
        # membership (admin, SCIM, a cascade from a deleted user) must end the cached roles.
        for signal in (post_save, post_delete):
            signal.connect(context.forget_layout, sender=Membership, dispatch_uid=f"nav.{signal}")
            # Roles cached per person (organizations.roles) are stale from this change on.
            signal.connect(refresh_on_change, sender=Membership, dispatch_uid=f"roles.{signal}")
