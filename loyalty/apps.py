from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = "Programs and API keys"

    def ready(self):
        # The ``__any`` lookup (one array parameter for a long list of values) and the X-API-Key
        # security scheme of drf-spectacular register themselves on import.
        from loyalty import lookups  # noqa: F401
        from loyalty.api import schema  # noqa: F401
