from django.urls import path

from selection import views

urlpatterns = [
    path("selection/", views.selection_index, name="selection-index"),
    path("schemes/<slug:slug>/selection/", views.transparency, name="selection-scheme"),
    path("schemes/<slug:slug>/selection/matrix/", views.matrix_edit, name="matrix-edit"),
    path("schemes/<slug:slug>/selection/matrix/upload/", views.matrix_upload, name="matrix-upload"),
    path(
        "schemes/<slug:slug>/selection/matrix/<int:version>.json",
        views.matrix_download,
        name="matrix-download",
    ),
    path(
        "schemes/<slug:slug>/selection/thresholds/", views.thresholds_edit, name="thresholds-edit"
    ),
    path("schemes/<slug:slug>/selection/scoring/", views.scoring, name="scoring"),
    path("schemes/<slug:slug>/selection/scoring/<int:pk>/", views.scoring_run, name="scoring-run"),
    path("schemes/<slug:slug>/selection/referrals/", views.referral_queue, name="referral-queue"),
    path("schemes/<slug:slug>/panels/", views.panels, name="panels"),
    path("panels/<int:pk>/", views.panel_detail, name="panel-detail"),
    path(
        "panels/<int:pk>/people/<int:offender_pk>/",
        views.decision_create,
        name="decision-create",
    ),
    path(
        "panels/<int:pk>/people/<int:offender_pk>/scores/<slug:key>/",
        views.manual_score,
        name="manual-score",
    ),
    path("referrals/", views.my_referrals, name="my-referrals"),
    path("offenders/<int:pk>/refer/", views.referral_create_view, name="referral-create"),
    path("offenders/<int:pk>/flags/", views.flag_response, name="flag-respond"),
    path("offenders/<int:pk>/letters/<slug:kind>.pdf", views.letter, name="letter"),
]
