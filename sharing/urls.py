from django.urls import path

from sharing import views

urlpatterns = [
    path("offenders/<int:pk>/consent/", views.offender_consent, name="offender-consent"),
    path("schemes/<slug:slug>/protocol/", views.scheme_protocol, name="scheme-protocol"),
    path("access-log/", views.access_log, name="access-log"),
    path("offenders/<int:pk>/subject-access/", views.subject_access, name="subject-access"),
    path(
        "offenders/<int:pk>/subject-access/<int:export_id>/",
        views.subject_access_download,
        name="subject-access-download",
    ),
    path(
        "offenders/<int:pk>/disclosures/", views.offender_disclosures, name="offender-disclosures"
    ),
]
