from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "carementor.mentorships"
    verbose_name = "Mentorships"
