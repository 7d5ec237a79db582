"""Pages of meetings: the list, a new meeting (from a log, or choosing the log first), the
meeting page, edit, cancel and minutes (R-MEET-01…05).

Every page fetches through meetings.queries or logs.queries: a meeting or log the person
cannot see is a 404; one they see but may not change is a 403 that says why.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedHttpRequest
from common import splice
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from logs import rules as log_rules
from logs.access import fetch, fetch_log, record_read
from logs.enums import LogStatus
from logs.forms import ConcernForm, MeasureForm
from logs.models import Log
from logs.queries import logs_visible_to
from meetings import rules, services
from meetings.enums import InviteeRole
from meetings.forms import (
    CancelForm,
    ChooseLogForm,
    MeetingForm,
    MinutesForm,
)
from meetings.list_page import meetings_table
from meetings.models import Meeting
from meetings.queries import (
    meeting_pages_visible_to,
    meetings_visible_to,
)
from organisations.enums import Role
from organisations.forms import (
    OptionalActorForm,
    keep_as_typed,
    picker_query,
    search_requested,
)
from organisations.queries import active_role

LIST_ROLES = (Role.HOLDER, Role.ACTOR, Role.GUARDIAN)


def fetch_meeting(request: AuthenticatedHttpRequest, pk: int, *, for_edit: bool = False) -> Meeting:
    """The meeting, if the person may see it in their active role; 404 otherwise (R-ROLE-07).

    With `for_edit`, a meeting they may see but not change is a 403 that says why.
    """
    return fetch(
        request,
        meetings_visible_to,
        pk,
        select=("log__child", "log__unit", "log__holder"),
        read_only_reason=rules.read_only_reason if for_edit else None,
    )


@require_safe
@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Tverrfaglige møter*: the upcoming ones, or (`?tidligere=1`) the past and cancelled."""
    role = active_role(request)
    if role not in LIST_ROLES:
        raise Http404
    past = request.GET.get("tidligere") == "1"
    rows, page = meetings_table(request.user, role, past=past, side=request.GET.get("side"))
    return splice.render(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": page,
            "rows": splice.Part(request, rows),
            "past": past,
            "can_create": role == Role.HOLDER,
        },
    )


@require_safe
@login_required
def choose_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Nytt møte* from Min side or the list: choose the child first (R-MEET-01)."""
    if active_role(request) != Role.HOLDER:
        raise Http404
    logs = (
        logs_visible_to(request.user, Role.HOLDER)
        .filter(status=LogStatus.ACTIVE)
        .select_related("child")
        .order_by("child__last_name", "child__first_name", "pk")
    )
    form = ChooseLogForm(request.GET or None, logs=logs)
    if form.is_bound and form.is_valid():
        return redirect("meetings:create", pk=form.cleaned_data["logg"].pk)
    return render(request, "meetings/choose_log.html", {"form": form})


# --- new and changed meetings ---------------------------------------------------------------


def _typed(form: BaseForm, data: QueryDict) -> bool:
    """Whether anything was typed or ticked in `form` (an optional part of the page)."""
    return any(
        value.strip() for name in form.fields for value in data.getlist(form.add_prefix(name))
    )


def _concern_forms(data: QueryDict | None, log: Log) -> tuple[ConcernForm, MeasureForm]:
    """The optional *new concern with its first measure* (R-MEET-03): left empty it is
    ignored; once anything is typed, it is validated as on the concern page."""
    concern_form = ConcernForm(data, log=log, prefix="concern")
    measure_form = MeasureForm(data, log=log, prefix="measure")
    if data is not None and not (
        _typed(concern_form, data) or _typed(measure_form, data) or picker_query(measure_form)
    ):
        concern_form = ConcernForm(None, log=log, prefix="concern")
        measure_form = MeasureForm(None, log=log, prefix="measure")
    return concern_form, measure_form


def _initial(log: Log, meeting: Meeting | None) -> dict[str, Any]:
    if meeting is None:
        return {
            "level": log.level,
            "invite_holder": True,
            "guardians": list(log.guardians.values_list("pk", flat=True)),
        }
    invitations = list(meeting.invitations.all())
    return {
        "level": meeting.level,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "child_invited": meeting.child_invited,
        "concerns": list(meeting.concerns.values_list("pk", flat=True)),
        "invite_holder": any(i.role == InviteeRole.HOLDER for i in invitations),
        "guardians": [i.guardian_id for i in invitations if i.guardian_id],
        "actors": [i.user_id for i in invitations if i.role == InviteeRole.ACTOR and i.user_id],
        "version": meeting.version,
    }


def _save(
    request: AuthenticatedHttpRequest,
    log: Log,
    meeting: Meeting | None,
    form: MeetingForm,
    concern_form: ConcernForm,
    measure_form: MeasureForm,
    new_actor: OptionalActorForm,
) -> Meeting:
    """The meeting, with the new actor and the new concern if any were typed: one service
    call, one transaction (R-MEET-03, R-GEN-08)."""
    data = form.service_data()
    data["new_actor"] = dict(new_actor.cleaned_data) if new_actor.has_data else None
    data["new_concern"] = (
        {**concern_form.cleaned_data, "measure": measure_form.cleaned_data}
        if concern_form.is_bound
        else None
    )
    if meeting is None:
        submission = form.cleaned_data.get("submission")
        return services.create_meeting(log, by=request.user, submission=submission, **data)
    return services.update_meeting(
        meeting, by=request.user, version=form.cleaned_data.get("version"), **data
    )


def _meeting_form_page(
    request: AuthenticatedHttpRequest, log: Log, meeting: Meeting | None
) -> HttpResponse:
    municipality_id = log.unit.municipality_id
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, log=log, meeting=meeting, initial=_initial(log, meeting))
    concern_form, measure_form = _concern_forms(data, log)
    new_actor = OptionalActorForm(data, municipality_id=municipality_id, prefix="new_actor")
    if search_requested(data):
        # «Søk» in an actor picker without JavaScript: the same page, as typed (R-GEN-04).
        keep_as_typed(form, concern_form, measure_form, new_actor)
    elif data is not None:
        # Validate every part, so that all errors show at once.
        valid = form.is_valid() & new_actor.is_valid()
        if concern_form.is_bound:
            valid &= concern_form.is_valid() & measure_form.is_valid()
        level = form.cleaned_data.get("level")
        if new_actor.has_data and level and not rules.actors_allowed_at(level):
            new_actor.add_error(None, rules.LEVEL_ONE_ACTORS)
            valid = False
        if valid:
            try:
                saved = _save(request, log, meeting, form, concern_form, measure_form, new_actor)
            except AlreadySubmitted as repeat:
                if repeat.object_id is None:
                    return already_submitted(request, "logs:detail", pk=log.pk)
                return already_submitted(request, "meetings:detail", pk=repeat.object_id)
            except ValidationError as error:
                apply_errors(
                    error, form, concern_form, new_actor, prefixed={"measure_": measure_form}
                )
            else:
                messages.success(
                    request,
                    _("Møtet er lagret, og invitasjonene sendes på e-post.")
                    if meeting is None
                    else _("Møtet er endret. De inviterte får beskjed på e-post."),
                )
                return redirect("meetings:detail", pk=saved.pk)
    context = {
        "log": log,
        "meeting": meeting,
        "form": form,
        "concern_form": concern_form,
        "measure_form": measure_form,
        "new_actor": new_actor,
        "new_concern_open": concern_form.is_bound,
    }
    record_read(request, log, about=meeting)
    return render(request, "meetings/meeting_form.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Nytt møte* for a log: only its holder, on an active log (R-MEET-01…03)."""
    log = fetch_log(request, pk, for_edit=True)
    return _meeting_form_page(request, log, None)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change a planned meeting; the invitees get an update (R-MEET-05)."""
    meeting = fetch_meeting(request, pk, for_edit=True)
    return _meeting_form_page(request, meeting.log, meeting)


# --- the meeting page, cancel and minutes ---------------------------------------------------


@require_safe
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Time, place, level, concerns, invitees, agenda and minutes of a meeting."""
    meeting = fetch(request, meeting_pages_visible_to, pk)
    role = active_role(request)
    log = meeting.log
    record_read(request, log, about=meeting)
    context = {
        "meeting": meeting,
        "log": log,
        "can_edit": rules.can_edit_meeting(request.user, role, meeting),
        "read_only_reason": rules.read_only_reason(request.user, role, meeting)
        if role == Role.HOLDER
        else "",
        "can_open_log": logs_visible_to(request.user, role).filter(pk=log.pk).exists(),
        "sensitive": log_rules.can_see_sensitive_details(role),
        "is_past": meeting.ends_at < timezone.now(),
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Avlys møtet*, after a confirmation page; the invitees get a cancellation (R-MEET-05)."""
    meeting = fetch_meeting(request, pk, for_edit=True)
    data = request.POST if request.method == "POST" else None
    form = CancelForm(data, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_meeting(
                meeting, by=request.user, version=form.cleaned_data.get("version")
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Møtet er avlyst. De inviterte får beskjed på e-post."))
            return redirect("meetings:detail", pk=meeting.pk)
    record_read(request, meeting.log, about=meeting)
    return render(request, "meetings/meeting_cancel.html", {"meeting": meeting, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def meeting_minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The minutes (*referat*): in BTI practice the log is the meeting's minutes."""
    meeting = fetch_meeting(request, pk, for_edit=True)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, initial={"minutes": meeting.minutes, "version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_minutes(
                meeting,
                by=request.user,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Referatet er lagret."))
            return redirect("meetings:detail", pk=meeting.pk)
    record_read(request, meeting.log, about=meeting)
    return render(request, "meetings/meeting_minutes.html", {"meeting": meeting, "form": form})
