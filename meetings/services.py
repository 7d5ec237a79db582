"""Every change of a meeting goes through here: the rule checked, the change made, the log's
history and the audit trail written and the invitations queued, all in one transaction
(R-MEET-01…05, R-SEC-04).

Who may change what raises ReadOnlyError (a 403 with a message); rules about the data raise
ValidationError keyed by the meeting form's field names.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import ReadOnlyError, require_editable
from common.submissions import claim_submission
from logs.enums import Level
from logs.models import Concern, Guardian, Log
from logs.queries import actors_allowed_for

# A meeting is changed as the rest of the log is: the same locks, holder rule, version
# check, and history and audit rows.
from logs.services import (
    check_version,
    create_concern,
    lock,
    record_change,
    require_holder,
)
from meetings.enums import InviteeRole, MeetingStatus
from meetings.ics import METHOD_CANCEL, METHOD_REQUEST, Attendee, build_ics, meeting_url
from meetings.models import Invitation, Meeting
from meetings.rules import (
    LEVEL_ONE_ACTORS,
    MEETING_START,
    actors_allowed_at,
    length_problem,
    read_only_reason,
)
from notifications.enums import Kind
from notifications.services import queue_email
from organisations.enums import Role
from organisations.services import register_actor

FIELDS = ["level", "place", "starts_at", "ends_at", "agenda", "child_invited"]
# A change of these (or of who is invited) is sent to the invitees as a calendar update.
CALENDAR_FIELDS = {"place", "starts_at", "ends_at"}
EMAIL_TEMPLATES = {
    "invitation": "notifications/email/meeting_invitation",
    "changed": "notifications/email/meeting_changed",
    "cancelled": "notifications/email/meeting_cancelled",
}
ATTACHMENT_NAME = "invitasjon.ics"


# --- helpers -------------------------------------------------------------------------------


def _when(value: datetime | None) -> str:
    """A time as the history shows it: local, to the minute."""
    return f"{timezone.localtime(value):%d.%m.%Y %H:%M}" if value else ""


def _history_values(values: dict[str, Any]) -> dict[str, Any]:
    """Values as the log's history shows them; a meeting's place is not a postal place."""
    names = {"place": "meeting_place"}
    return {
        names.get(k, k): _when(v) if k in ("starts_at", "ends_at") else v
        for k, v in values.items()
        if k != "child_invited"
    }


def _lock_changeable(meeting: Meeting, by: User) -> tuple[Log, Meeting]:
    """Lock the log, then the meeting, and refuse in the words the pages show if `by` may
    not change it (meetings.rules.read_only_reason: the log's holder, not cancelled)."""
    log = lock(Log, meeting.log_id, "holder", "unit")
    meeting = lock(Meeting, meeting.pk)
    meeting.log = log
    require_editable(read_only_reason(by, Role.HOLDER, meeting))
    return log, meeting


def _check_data(
    log: Log,
    values: dict[str, Any],
    concerns: Sequence[Concern],
    guardians: Sequence[Guardian],
    actors: Sequence[User],
    invite_holder: bool,
    *,
    retimed: set[str],
) -> None:
    """Every rule about the data of a meeting, all errors at once, keyed by form field.

    `retimed` names the times that are new or changed: only those are held to the plausible
    range and length (R-GEN-04), so a meeting held last year can still get its minutes."""
    errors: dict[str, list[str]] = {}
    probe = Meeting(log=log, **{k: values.get(k) for k in FIELDS})
    try:
        probe.full_clean(
            exclude=["log", "created_by", "uid", "concerns"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if (
        starts_at
        and "starts_at" in retimed
        and (implausible := MEETING_START.message_for(starts_at))
    ):
        errors["starts_at"] = [implausible]
    too_long = starts_at and ends_at and retimed and length_problem(starts_at, ends_at)
    if too_long and "ends_at" not in errors:
        errors["ends_at"] = [too_long]
    if any(c.log_id != log.pk for c in concerns):
        errors["concerns"] = [_("Velg oppmerksomheter fra denne loggen.")]
    if any(g.log_id != log.pk for g in guardians):
        errors["guardians"] = [_("Velg foresatte fra denne loggen.")]
    level = values.get("level")
    if actors and level in Level.values:
        if not actors_allowed_at(level):
            errors["actors"] = [str(LEVEL_ONE_ACTORS)]
        else:
            allowed = set(actors_allowed_for(log, level=Level.TWO).values_list("pk", flat=True))
            if any(a.pk not in allowed for a in actors):
                errors["actors"] = [_("Aktøren finnes ikke blant aktørene i kommunen.")]
    if not (invite_holder or guardians or actors):
        errors[NON_FIELD_ERRORS] = [_("Inviter minst én person til møtet.")]
    if errors:
        raise ValidationError(errors)


def _wanted_invitations(
    log: Log, *, invite_holder: bool, guardians: Iterable[Guardian], actors: Iterable[User]
) -> dict[tuple[str, int], Invitation]:
    """The invitations the meeting should have, keyed by who they are for."""
    wanted: dict[tuple[str, int], Invitation] = {}
    if invite_holder:
        holder = log.holder
        wanted[(InviteeRole.HOLDER, holder.pk)] = Invitation(
            user=holder, email=holder.email, name=holder.get_full_name(), role=InviteeRole.HOLDER
        )
    for guardian in guardians:
        wanted[(InviteeRole.GUARDIAN, guardian.pk)] = Invitation(
            guardian=guardian, email=guardian.email, name=str(guardian), role=InviteeRole.GUARDIAN
        )
    for actor in actors:
        if invite_holder and actor.pk == log.holder_id:
            continue  # already invited as the holder
        wanted[(InviteeRole.ACTOR, actor.pk)] = Invitation(
            user=actor, email=actor.email, name=actor.get_full_name(), role=InviteeRole.ACTOR
        )
    return wanted


def _key(invitation: Invitation) -> tuple[str, int | None]:
    if invitation.role == InviteeRole.GUARDIAN:
        if invitation.guardian_id is None:
            # The guardian was removed from the log: each such invitation stands alone, so
            # that every one of them is cancelled, not just one.
            return ("removed-guardian", invitation.pk)
        return (InviteeRole.GUARDIAN, invitation.guardian_id)
    return (invitation.role, invitation.user_id)


def _recipient(invitation: Invitation) -> User | None:
    """The login behind an invitation, for the language and the preferences; may be None."""
    if invitation.user_id:
        return invitation.user
    if invitation.guardian is not None:
        return invitation.guardian.user
    return None


def _notify(meeting: Meeting, invitations: Iterable[Invitation], what: str) -> int:
    """Queue one e-mail with its own calendar copy per invitee with an address (R-MEET-05).

    The body has a notice, time, place and a link; no child, concern or measure (R-NOTIFY-01).
    """
    method = METHOD_CANCEL if what == "cancelled" else METHOD_REQUEST
    queued = 0
    for invitation in invitations:
        if not invitation.email:
            continue
        person = _recipient(invitation)
        language = getattr(person, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            calendar = build_ics(
                meeting, [Attendee(invitation.email, invitation.name)], method=method
            )
        email = queue_email(
            kind=Kind.MEETING,
            to=invitation.email,
            template=EMAIL_TEMPLATES[what],
            context={
                "name": invitation.name,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "place": meeting.place,
                "url": meeting_url(meeting),
            },
            language=language,
            user=person,
            attachment=(ATTACHMENT_NAME, f"text/calendar; method={method}", calendar),
        )
        queued += email is not None
    return queued


def _new_parts(
    log: Log, *, by: User, new_actor: dict[str, Any] | None, new_concern: dict[str, Any] | None
) -> tuple[list[User], list[Concern]]:
    """The actor and the concern typed into the meeting form (R-MEET-03), registered and
    created in the meeting's transaction, so that a refused meeting leaves neither behind.
    The new actor is invited, and attached to the new concern's first measure.

    `new_concern` holds create_concern's fields, its first measure's under "measure".
    """
    people = [register_actor(by=by, **new_actor)] if new_actor else []
    concerns = []
    if new_concern is not None:
        fields = dict(new_concern)
        measure = dict(fields.pop("measure"))
        measure["actors"] = [*measure["actors"], *people]
        concerns.append(create_concern(log, by=by, measure=measure, **fields))
    return people, concerns


# --- the meeting ---------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    log: Log,
    *,
    by: User,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str,
    level: int | None = None,
    agenda: str = "",
    concerns: Iterable[Concern] = (),
    guardians: Iterable[Guardian] = (),
    actors: Iterable[User] = (),
    invite_holder: bool = True,
    child_invited: bool = False,
    new_actor: dict[str, Any] | None = None,
    new_concern: dict[str, Any] | None = None,
    submission: str | None = None,
) -> Meeting:
    """Plan a meeting of the log and invite people to it (R-MEET-01…03, R-MEET-05).

    Only the holder of an active log. The level defaults to the log's; at level 1 only the
    guardians, the holder and the child take part (R-MEET-02); at level 2 and 3 any actor of
    the municipality can be invited. Side effects: the invitations; an e-mail with an
    iCalendar invitation (METHOD:REQUEST) to each invitee with an e-mail address; the log's
    history; audit event meeting.created. `new_actor` and `new_concern`: see _new_parts.
    `submission` is the form's one-time key, claimed before anything else: sent again, the
    form raises AlreadySubmitted with the first meeting, registers nobody, creates no concern
    and invites nobody twice (R-GEN-08).
    """
    claim = claim_submission(submission, by=by, action="meeting.created")
    people, new_concerns = _new_parts(log, by=by, new_actor=new_actor, new_concern=new_concern)
    log = lock(Log, log.pk, "holder", "unit")
    require_holder(by, log)
    concerns, guardians = [*concerns, *new_concerns], list(guardians)
    actors = [*actors, *people]
    values = {
        "level": log.level if level is None else level,
        "place": (place or "").strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "agenda": (agenda or "").strip(),
        "child_invited": bool(child_invited),
    }
    _check_data(
        log, values, concerns, guardians, actors, invite_holder, retimed={"starts_at", "ends_at"}
    )
    meeting = Meeting.objects.create(log=log, created_by=by, **values)
    meeting.concerns.set(concerns)
    invitations = list(
        _wanted_invitations(
            log, invite_holder=invite_holder, guardians=guardians, actors=actors
        ).values()
    )
    for invitation in invitations:
        invitation.meeting = meeting
    Invitation.objects.bulk_create(invitations)
    record_change(
        log,
        by=by,
        action="meeting.created",
        obj=meeting,
        after=_history_values(values),
        audit_data={"level": meeting.level, "invitees": len(invitations)},
    )
    _notify(meeting, invitations, "invitation")
    claim.done(meeting)
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    by: User,
    version: int | None = None,
    new_actor: dict[str, Any] | None = None,
    new_concern: dict[str, Any] | None = None,
    **changes: Any,
) -> Meeting:
    """Change a planned meeting; what is not passed stays as it is (R-MEET-05, R-SEC-05).

    `changes` may hold level, place, starts_at, ends_at, agenda, child_invited, concerns,
    guardians, actors and invite_holder. Someone else's change since `version` is a
    ConflictError. Side effects: SEQUENCE and version raised; new invitees get an invitation,
    removed ones a cancellation (METHOD:CANCEL), and when the time, place or invitees
    changed, the others an update with the same UID; the log's history; audit. `new_actor`
    and `new_concern` as in create_meeting.
    """
    people, new_concerns = _new_parts(
        meeting.log, by=by, new_actor=new_actor, new_concern=new_concern
    )
    log, meeting = _lock_changeable(meeting, by)
    check_version(meeting, version)
    current = list(meeting.invitations.select_related("user", "guardian__user"))
    by_key = {_key(i): i for i in current}
    values = {name: changes.get(name, getattr(meeting, name)) for name in FIELDS}
    if isinstance(values["place"], str):
        values["place"] = values["place"].strip()
    if isinstance(values["agenda"], str):
        values["agenda"] = values["agenda"].strip()
    concerns = [*changes.get("concerns", meeting.concerns.all()), *new_concerns]
    guardians = list(
        changes.get("guardians", [i.guardian for i in current if i.guardian_id is not None])
    )
    actors = [
        *changes.get("actors", [i.user for i in current if i.role == InviteeRole.ACTOR]),
        *people,
    ]
    invite_holder = changes.get("invite_holder", any(i.role == InviteeRole.HOLDER for i in current))
    retimed = {name for name in ("starts_at", "ends_at") if values[name] != getattr(meeting, name)}
    _check_data(log, values, concerns, guardians, actors, invite_holder, retimed=retimed)

    before, after = {}, {}
    for name, value in values.items():
        if getattr(meeting, name) != value:
            before[name], after[name] = getattr(meeting, name), value
    old_concerns = set(meeting.concerns.values_list("pk", flat=True))
    concerns_changed = old_concerns != {c.pk for c in concerns}
    wanted = _wanted_invitations(
        log, invite_holder=invite_holder, guardians=guardians, actors=actors
    )
    added = [inv for key, inv in wanted.items() if key not in by_key]
    removed = [inv for key, inv in by_key.items() if key not in wanted]
    kept = [inv for key, inv in by_key.items() if key in wanted]
    if not (after or concerns_changed or added or removed):
        return meeting

    for name, value in after.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.version += 1
    meeting.save()
    if concerns_changed:
        meeting.concerns.set(concerns)
    for invitation in added:
        invitation.meeting = meeting
    Invitation.objects.bulk_create(added)
    Invitation.objects.filter(pk__in=[i.pk for i in removed]).delete()
    if added or removed:
        before["invitees"] = sorted(i.name for i in current)
        after["invitees"] = sorted(i.name for i in wanted.values())
    record_change(
        log,
        by=by,
        action="meeting.edited",
        obj=meeting,
        before=_history_values(before),
        after=_history_values(after),
        audit_data={
            "fields": sorted(set(after) - {"invitees"}),
            "added": len(added),
            "removed": len(removed),
        },
    )
    _notify(meeting, added, "invitation")
    _notify(meeting, removed, "cancelled")
    if CALENDAR_FIELDS & set(after) or added or removed:
        _notify(meeting, kept, "changed")
    return meeting


@transaction.atomic
def cancel_meeting(meeting: Meeting, *, by: User, version: int | None = None) -> Meeting:
    """Cancel a planned meeting (R-MEET-05).

    Side effects: status cancelled, SEQUENCE raised; each invitee with an e-mail address gets
    a cancellation with METHOD:CANCEL and the same UID, which removes the event from their
    calendar; the log's history; audit.
    """
    log = lock(Log, meeting.log_id, "holder", "unit")
    require_holder(by, log)
    meeting = lock(Meeting, meeting.pk)
    if meeting.is_cancelled:
        raise ReadOnlyError(_("Møtet er allerede avlyst."))
    check_version(meeting, version)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.version += 1
    meeting.save(update_fields=["status", "sequence", "version"])
    invitations = list(meeting.invitations.select_related("user", "guardian__user"))
    record_change(
        log,
        by=by,
        action="meeting.cancelled",
        obj=meeting,
        after={"starts_at": _when(meeting.starts_at)},
    )
    _notify(meeting, invitations, "cancelled")
    return meeting


@transaction.atomic
def save_minutes(
    meeting: Meeting, *, by: User, minutes: str, version: int | None = None
) -> Meeting:
    """Write the minutes (*referat*) of a meeting into the log; the earlier text stays in the
    log's history (R-LOG-08). No e-mail: the minutes are case content (R-NOTIFY-01)."""
    log, meeting = _lock_changeable(meeting, by)
    check_version(meeting, version)
    minutes = (minutes or "").strip()
    if minutes == meeting.minutes:
        return meeting
    before = {"minutes": meeting.minutes}
    meeting.minutes = minutes
    meeting.version += 1
    meeting.save(update_fields=["minutes", "version"])
    record_change(
        log,
        by=by,
        action="meeting.minutes",
        obj=meeting,
        before=before,
        after={"minutes": minutes},
        audit_action="meeting.minutes_saved",
    )
    return meeting
