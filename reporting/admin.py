from django.contrib import admin

from reporting.models import BackgroundCheck


@admin.register(BackgroundCheck)
class BackgroundCheckAdmin(admin.ModelAdmin):
    list_display = ["requested_at", "requested_by", "completed_at", "worker"]
    list_select_related = ["requested_by"]
    readonly_fields = ["requested_at", "requested_by", "completed_at", "worker"]

    def has_add_permission(self, request):
        return False
