"""The one way to write the audit trail."""

from django.db import models

from audit import context
from audit.models import AuditEvent
from common.requests import client_ip


def record(
    *,
    actor=None,
    action: str,
    obj: models.Model | None = None,
    request=None,
    role: str = "",
    log_id: int | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one event. Callers run it inside the transaction of the change it records.

    Never put sensitive values (national ID numbers, case text) into `data`.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ambient = context.current()
    if request is not None and not role:
        role = request.session.get("active_role", "") if hasattr(request, "session") else ""
    return AuditEvent.objects.create(
        actor=actor,
        role=role or ambient.role,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        log_id=log_id,
        ip_address=client_ip(request) if request is not None else ambient.ip_address,
        data=data or {},
    )
