from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "carementor.notifications"
    verbose_name = "Notifications"
