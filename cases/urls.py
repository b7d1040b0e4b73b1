from django.urls import path

from cases import views

urlpatterns = [
    path("offenders/<int:pk>/plan/", views.case_plan, name="case-plan"),
    path("offenders/<int:pk>/plan.pdf", views.plan_pdf, name="plan-pdf"),
    path("offenders/<int:pk>/conferences/new/", views.conference_create, name="conference-new"),
    path("offenders/<int:pk>/actions/new/", views.action_new, name="action-new"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference-detail"),
    path("actions/<int:pk>/", views.action_edit, name="action-edit"),
]
