from django.apps import AppConfig


class PpoConfig(AppConfig):
    name = "ppo"
    verbose_name = "Schemes, agencies and the offender register"

    def ready(self) -> None:
        from ppo import signals  # noqa: F401 - registers the receivers
