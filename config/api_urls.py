from django.conf import settings
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from ppo import apis as ppo_apis

router = SimpleRouter(use_regex_path=False)
router.register("offenders", ppo_apis.OffenderViewSet, basename="offender")

v1 = [
    *router.urls,
    path(
        "offenders/<int:pk>/events/", ppo_apis.OffenderEventsApi.as_view(), name="offender-events"
    ),
    path("lookup/", ppo_apis.LookupApi.as_view(), name="lookup"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script); the
    # UI itself injects styles, so this one page allows inline styles.
    path(
        "docs/",
        csp_override({**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
    path("me/", ppo_apis.MeApi.as_view(), name="api-me"),
    path("v1/", include((v1, "v1"))),
]
