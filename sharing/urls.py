from django.urls import path

from sharing import views

urlpatterns = [
    path("offenders/<int:pk>/consent/", views.offender_consent, name="offender-consent"),
]
