"""Root URLs: the admin, the API v1, its schema and docs, and /healthz."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from loyalty.api import views as core_views

api_v1 = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("loyalty.api.urls")),
    path("", include("ledger.urls")),
    path("", include("participants.urls")),
    path("", include("rewards.urls")),
    path("", include("events.urls")),
]

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
]

handler400 = "loyalty.api.errors.handler400"
handler403 = "loyalty.api.errors.handler403"
handler404 = "loyalty.api.errors.handler404"
handler500 = "loyalty.api.errors.handler500"
