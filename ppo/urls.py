from django.urls import path

from ppo import retention_views, views

urlpatterns = [
    path("offenders/", views.offender_list, name="offender-list"),
    path("offenders/export.csv", views.offender_export, name="offender-export"),
    path("offenders/new/", views.offender_create_view, name="offender-create"),
    path("offenders/<int:pk>/", views.offender_detail, name="offender-detail"),
    path("offenders/<int:pk>/record.pdf", views.offender_record_pdf, name="offender-record-pdf"),
    path("offenders/<int:pk>/edit/", views.offender_edit, name="offender-edit"),
    path("offenders/<int:pk>/events/new/", views.event_create, name="event-create"),
    path("offenders/<int:pk>/access/", views.offender_access, name="offender-access"),
    path("offenders/<int:pk>/manager/", views.offender_manager, name="offender-manager"),
    path("lookup/", views.lookup, name="lookup"),
    path("notifications/", views.notifications, name="notifications"),
    path("account/password/", views.password_change_view, name="password-change"),
    path("imports/", views.import_upload, name="import-upload"),
    path("schemes/<slug:slug>/retention/", retention_views.retention_due, name="retention-due"),
    path(
        "schemes/<slug:slug>/retention/settings/",
        retention_views.retention_settings,
        name="retention-settings",
    ),
    path(
        "schemes/<slug:slug>/retention/<int:pk>/retain/",
        retention_views.retention_retain,
        name="retention-retain",
    ),
    path(
        "schemes/<slug:slug>/retention/<int:pk>/erase/",
        retention_views.retention_erase,
        name="retention-erase",
    ),
]
