from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from ppo import apis as ppo_apis

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("me/", ppo_apis.MeApi.as_view(), name="api-me"),
]
