from django.contrib import admin

from carementor.ops.models import ScheduledRun, WorkerHeartbeat


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    """Staff see every periodic run, failures first filtered, with the error text."""

    list_display = ("job", "due_at", "status", "process", "started_at", "finished_at")
    list_filter = ("status", "job")
    search_fields = ("job", "error")
    date_hierarchy = "due_at"
    readonly_fields = ("job", "due_at", "status", "process", "started_at", "finished_at", "error")

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "started_at", "beat_at")
    list_filter = ("kind",)

    def has_add_permission(self, request: object) -> bool:
        return False
