from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = "Programs and API keys"

    def ready(self):
        # Registers the X-API-Key security scheme with drf-spectacular.
        from loyalty.api import schema  # noqa: F401
