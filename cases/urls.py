from django.urls import path

from cases import views

urlpatterns = [
    path("caseload/", views.my_caseload, name="my-caseload"),
    path("schemes/<slug:slug>/caseload/", views.team_caseload, name="team-caseload"),
    path("schemes/<slug:slug>/case-settings/", views.case_settings_edit, name="case-settings"),
    path(
        "schemes/<slug:slug>/conference-pack/", views.conference_pack_view, name="conference-pack"
    ),
    path("offenders/<int:pk>/plan/", views.case_plan, name="case-plan"),
    path("offenders/<int:pk>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("offenders/<int:pk>/conferences/new/", views.conference_create, name="conference-new"),
    path("offenders/<int:pk>/actions/new/", views.action_new, name="action-new"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference-detail"),
    path("actions/<int:pk>/", views.action_edit, name="action-edit"),
    path(
        "offenders/<int:pk>/partner-referrals/new/",
        views.partner_referral_new,
        name="partner-referral-new",
    ),
    path("partner-referrals/<int:pk>/", views.partner_referral_detail, name="partner-referral"),
    path("offenders/<int:pk>/appointments/new/", views.appointment_new, name="appointment-new"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment"),
    path("enforcement/<int:pk>/", views.enforcement_detail, name="enforcement"),
    path("offenders/<int:pk>/exit-plan/", views.exit_plan_edit, name="exit-plan"),
]
