from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "carementor.profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate, post_save

        from carementor.profiles import models, vocabulary

        # The vocabularies are cached (vocabulary.py): any change to one draws a new copy.
        for model in (models.Profession, models.Specialty, models.Competency, models.Language):
            for signal in (post_save, post_delete):
                signal.connect(vocabulary.invalidate, sender=model, dispatch_uid=f"vocab.{model}")
        post_migrate.connect(vocabulary.invalidate, dispatch_uid="vocab.migrate")
