"""The hand-overs in the admin, read-only, for the operators (superusers): which failed,
why, and when they are tried next (R-ARCH-01). Nothing here changes one; the worker does."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from archive.models import ArchiveHandover


@admin.register(ArchiveHandover)
class ArchiveHandoverAdmin(admin.ModelAdmin[ArchiveHandover]):
    list_display = ["log_number", "status", "attempts", "next_attempt_at", "handed_over_at"]
    list_filter = ["status"]
    search_fields = ["log_number", "reference"]
    readonly_fields = [f.name for f in ArchiveHandover._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
