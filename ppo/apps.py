from django.apps import AppConfig


class PpoConfig(AppConfig):
    name = "ppo"
    verbose_name = "Schemes, agencies and the offender register"
