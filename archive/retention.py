"""Retention (R-SEC-06): a passive log is deleted once its municipality's period has passed
since it was set passive, and only after the archive has it (R-ARCH-01).

What goes: the log with everything in it (child, guardians, consents with their files,
concerns, measures, evaluations, glimpses, meetings, history, openings, exports and their
files). What stays: the audit trail, which holds no personal data (one event per deleted
log, naming its number only), the hand-over row, and personal notes, which belong to their
owner and are tied to no log (R-NOTE-01).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from archive.enums import HandoverStatus
from archive.files import delete_on_commit, files_of_deletion
from archive.models import ArchiveHandover
from audit.services import record
from logs.enums import LogStatus
from logs.models import Log
from organisations.models import Municipality


@dataclass
class MunicipalityRetention:
    municipality: str
    years: int | None
    due: list[int] = field(default_factory=list)  # log numbers
    not_archived: list[int] = field(default_factory=list)


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def passive_logs_past(municipality: Municipality, cutoff: datetime) -> QuerySet[Log]:
    return Log.objects.filter(
        status=LogStatus.PASSIVE, unit__municipality=municipality, passive_at__lt=cutoff
    ).order_by("passive_at", "pk")


def plan(now: datetime) -> list[MunicipalityRetention]:
    """For each municipality: its period, the logs due for deletion (handed over to the
    archive) and the logs past their period whose hand-over has not succeeded (kept)."""
    plans = []
    for municipality in Municipality.objects.order_by("name"):
        years = municipality.retention_years
        entry = MunicipalityRetention(municipality.name, years)
        plans.append(entry)
        if not years:
            continue
        past = passive_logs_past(municipality, years_before(now, years))
        archived = set(
            ArchiveHandover.objects.filter(
                log__in=past, status=HandoverStatus.HANDED_OVER
            ).values_list("log_id", flat=True)
        )
        for pk in past.values_list("pk", flat=True):
            (entry.due if pk in archived else entry.not_archived).append(pk)
    return plans


class NotDue(Exception):
    """The log may not be deleted (not passive, not past its period, not archived)."""


@transaction.atomic
def delete_log(log_number: int, *, now: datetime) -> None:
    """Delete one passive log whose retention period has passed and whose archive hand-over
    succeeded; refuses (NotDue) anything else. Side effects: the rows its deletion cascades
    to, the child if no other log has it, their files once committed; audit event
    log.deleted_by_retention, with the log's number and no personal data."""
    log = (
        Log.objects.select_for_update()
        .select_related("unit__municipality", "child")
        .filter(pk=log_number)
        .first()
    )
    if log is None or log.status != LogStatus.PASSIVE or log.passive_at is None:
        raise NotDue(f"Log {log_number} is not passive.")
    years = log.unit.municipality.retention_years
    if not years or log.passive_at >= years_before(now, years):
        raise NotDue(f"Log {log_number} is within its retention period.")
    handover = ArchiveHandover.objects.filter(log=log).first()
    if handover is None or handover.status != HandoverStatus.HANDED_OVER:
        raise NotDue(f"Log {log_number} has not been handed over to the archive.")
    files = files_of_deletion(log)
    child = log.child
    record(
        action="log.deleted_by_retention",
        obj=log,
        log_id=log.pk,
        data={
            "municipality": log.unit.municipality_id,
            "retention_years": years,
            "handover": handover.pk,
            "files": len(files),
        },
    )
    log.delete()
    if not Log.objects.filter(child=child).exists():
        files += files_of_deletion(child)
        child.delete()
    delete_on_commit(files)
