from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "carementor.certificates"
    verbose_name = "Certificates and CPD"

    def ready(self) -> None:
        from carementor.certificates.receivers import connect

        connect()
