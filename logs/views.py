"""Pages of a log: the list, a new log, the log page, the child, guardians, consent, level,
passive and glimpses. Concerns and measures are in concern_views.py.

Every page fetches through logs.queries; a log the person cannot see is a 404.
"""

import logging
from html import escape
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.forms.formsets import BaseFormSet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common import splice
from common.errors import ConflictError, require_editable
from common.formats import day_month_year_time, month_names, per_language
from common.kept_html import kept
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from logs import held_uploads, list_cache, page_cache, rules, services
from logs.access import (
    fetch_consent,
    fetch_glimpse,
    fetch_guardian,
    fetch_log,
    record_read,
)
from logs.actor_views import actor_children
from logs.checks import check_new_log
from logs.enums import ConcernStatus, ConsentGiver, LogKind
from logs.forms import (
    ChildForm,
    ConsentUploadForm,
    GlimpseForm,
    GuardianForm,
    GuardianFormSet,
    LevelForm,
    LogSetupForm,
    NewGuardianForm,
    NewLogConsentForm,
    PassiveForm,
)
from logs.held_uploads import HeldUpload
from logs.models import Log
from logs.queries import (
    access_log_of,
    logs_visible_to,
    revisions_visible_to,
    with_overview,
)
from logs.signals import log_page_context
from logs.uploads import validate_pdf
from organisations.enums import Role
from organisations.queries import active_role, units_of

HISTORY_PAGE_SIZE = 50
LOG_LIST_PAGE_SIZE = 50

logger = logging.getLogger(__name__)

LIST_TITLES = {
    Role.HOLDER: gettext_lazy("Mine stafettbarn"),
    Role.ACTOR: gettext_lazy("Mine aktørbarn"),
    Role.GUARDIAN: gettext_lazy("Mitt barn"),
}


def _post_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_safe
@login_required
def log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Mine stafettbarn* (R-HOLD-01): level, status and the red overdue marker (R-MEAS-02).
    An actor's is *Mine aktørbarn*, their concerns by child (R-ACT-01)."""
    role = active_role(request)
    if role not in LIST_TITLES:
        raise Http404
    if role == Role.ACTOR:
        return actor_children(request)
    is_holder = role == Role.HOLDER
    # The page's table is kept until the logs change (logs.list_cache); the versions read
    # for its key also count the pages, so no count query is needed.
    versions = list_cache.log_versions(request.user, role, held_only=is_holder)
    page = Paginator(versions, LOG_LIST_PAGE_SIZE).get_page(request.GET.get("side"))
    key = list_cache.kept_key("log-list", request.user, role, versions, page.number)
    table = kept(
        key,
        lambda: splice.pieces_of(_log_table(request.user, role, page.number, is_holder=is_holder)),
    )
    context = {
        "page": page,
        "table": splice.Part(request, table),
        "role": role,
        "title": LIST_TITLES[role],
        "is_holder": is_holder,
    }
    return splice.render(request, "logs/log_list.html", context)


def _log_table(user: User, role: Role, number: int, *, is_holder: bool) -> str:
    # Built only when the table is rendered: building the visibility query costs about
    # 1 ms of CPU, more than the kept table's whole request otherwise.
    logs = logs_visible_to(user, role)
    if is_holder:
        # Held logs only: a log sent to the person is not theirs until accepted (R-TRAN-04).
        logs = logs.filter(holder=user)
    shown = logs.select_related("child", "unit")
    if is_holder:
        shown = with_overview(shown)
    shown = shown.order_by("status", "child__last_name", "child__first_name", "pk")
    start = (number - 1) * LOG_LIST_PAGE_SIZE
    context = {"logs": list(shown[start : start + LOG_LIST_PAGE_SIZE]), "is_holder": is_holder}
    return render_to_string("logs/_log_table.html", context)


def _keep_consent_file(
    request: HttpRequest, data: QueryDict, files: MultiValueDict[str, UploadedFile]
) -> tuple[HeldUpload | None, ValidationError | None, bool]:
    """A consent file sent with this round is checked at once and, if it passes, kept for
    the next rounds (logs.held_uploads); the form then refers to it by its token.

    Returns the kept upload (new, or from an earlier round), the error to show at the file
    field, and whether a file sent with this round could not be kept.
    """
    token = data.get("consent-held", "")
    held = held_uploads.find(request, token)
    upload = files.get("consent-file")
    file_error = None
    if upload is not None:
        try:
            validate_pdf(upload)
        except ValidationError as error:
            file_error = error
        else:
            kept = held_uploads.hold(request, upload)
            if kept is not None:
                held_uploads.release(request, held)
                held = kept
                del files["consent-file"]
                data["consent-held_choice"] = "keep"
    elif token and held is None and data.get("consent-held_choice") != "drop":
        # Gone (cleaned away after a day), or not this session's: never someone else's file.
        file_error = ValidationError(_("Den valgte filen finnes ikke lenger. Velg den på nytt."))
    data["consent-held"] = held.token if held else ""
    return held, file_error, "consent-file" in files


def _new_log_errors(
    setup: LogSetupForm,
    child: ChildForm,
    guardians: BaseFormSet[GuardianForm],
    consent: NewLogConsentForm,
    upload: File | None,
) -> dict[str, list[str]]:
    """What the service would refuse in the parts the forms accepted, so that one round
    shows every error (R-GEN-04)."""
    filled = [f for f in guardians.forms if f.has_changed()]
    consent_part: dict[str, Any] = {}
    if upload is not None:
        consent_part = {
            name: consent.cleaned_data[name]
            for name in ("valid_until", "given_by")
            if name in consent.cleaned_data
        }
    return check_new_log(
        kind=setup.cleaned_data.get("kind") or LogKind.CHILD,
        child=dict(child.cleaned_data),
        guardians=[f.cleaned_data for f in filled] if guardians.is_valid() else None,
        consent=consent_part,
    )


def _show_new_log_errors(
    errors: dict[str, list[str]],
    setup: LogSetupForm,
    child: ChildForm,
    guardians: BaseFormSet[GuardianForm],
    consent: NewLogConsentForm,
) -> None:
    errors = dict(errors)
    count = errors.pop("guardians", None)
    if count:
        # Django's own list of the formset's errors, which non_form_errors() shows.
        guardians._non_form_errors = guardians.error_class(  # type: ignore[attr-defined]
            [*guardians.non_form_errors(), *count]
        )
    if errors:
        apply_errors(ValidationError(errors), child, setup, consent)


@login_required
def log_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Nytt stafettbarn*: child, guardians, level and consent → *Lagre og åpne logg* (R-LOG-01).

    Every part is checked in the same round, and a consent file that passed its checks is
    kept across rounds (R-GEN-04). The form's one-time key makes a second sending open the
    log the first one created (R-GEN-08).
    """
    if active_role(request) != Role.HOLDER:
        raise Http404
    units = units_of(request.user, Role.HOLDER)
    if request.method != "POST":
        blank: dict[str, Any] = {
            "setup": LogSetupForm(units=units),
            "child": ChildForm(prefix="child"),
            "guardians": GuardianFormSet(prefix="guardian"),
            "consent": NewLogConsentForm(prefix="consent"),
        }
        return render(request, "logs/log_create.html", blank)
    data, files = request.POST.copy(), request.FILES.copy()
    held, file_error, lost = _keep_consent_file(request, data, files)
    setup = LogSetupForm(data, units=units)
    posted_kind = data.get("kind", "")
    kind = posted_kind if posted_kind in LogKind.values else LogKind.CHILD
    child = ChildForm(data, prefix="child", kind=kind)
    guardians = GuardianFormSet(data, prefix="guardian")
    consent = NewLogConsentForm(
        data, files, prefix="consent", held_upload=held, file_error=file_error
    )
    valid = all([f.is_valid() for f in (setup, child, guardians, consent)])  # noqa: C419
    upload = consent.cleaned_data.get("file") if "file" not in consent.errors else None
    if upload is None and "file" not in consent.errors and consent.keeps_held and held:
        upload = held_uploads.read(held)
        if upload is None:
            consent.add_error("file", _("Den valgte filen finnes ikke lenger. Velg den på nytt."))
            valid = False
    errors = _new_log_errors(setup, child, guardians, consent, upload)
    _show_new_log_errors(errors, setup, child, guardians, consent)
    if valid and not errors:
        try:
            log = services.create_log(
                by=request.user,
                unit=setup.cleaned_data["unit"],
                kind=setup.cleaned_data["kind"],
                level=setup.cleaned_data["level"],
                child=child.cleaned_data,
                guardians=[f.cleaned_data for f in guardians.forms if f.has_changed()],
                consent=upload,
                consent_valid_until=consent.cleaned_data.get("valid_until"),
                # Required with a file; without one the service's default is as good.
                consent_given_by=consent.cleaned_data.get("given_by") or ConsentGiver.GUARDIANS,
                submission=setup.cleaned_data["submission"],
            )
        except AlreadySubmitted as repeat:
            held_uploads.release(request, held)
            if repeat.object_id is None:
                return already_submitted(request, "logs:list")
            return already_submitted(request, "logs:detail", pk=repeat.object_id)
        except ValidationError as error:
            by_field = getattr(error, "error_dict", None) and error.message_dict
            by_field = by_field or {NON_FIELD_ERRORS: error.messages}
            _show_new_log_errors(by_field, setup, child, guardians, consent)
        else:
            held_uploads.release(request, held)
            messages.success(request, _("Stafettloggen er opprettet."))
            return redirect("logs:detail", pk=log.pk)
    context = {
        "setup": setup,
        "child": child,
        "guardians": guardians,
        "consent": consent,
        "file_lost": lost,
    }
    return render(request, "logs/log_create.html", context)


@require_safe
@login_required
def log_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The log page: everything the person may see of the log, in one place."""
    return _log_page(request, fetch_log(request, pk))


def _log_page(
    request: AuthenticatedHttpRequest, log: Log, level_form: LevelForm | None = None
) -> HttpResponse:
    """The log page; `level_form` a level change refused, shown with its error."""
    role = active_role(request)
    record_read(request, log)
    page = page_cache.log_page(request, log, role, timezone.localdate(), level_form=level_form)
    sensitive = rules.can_see_sensitive_details(role)
    context = {
        "log": log,
        "role": role,
        "page": page,
        "access_log": _access_rows(log)
        if rules.can_see_access_log(request.user, role, log)
        else None,
        "can_edit": rules.can_edit_log(request.user, role, log),
        # For the page's error summary (base.html) when a level change was refused.
        "level_form": level_form,
    }
    # What apps above add to the page (the archive status: archive.apps).
    for _receiver, extra in log_page_context.send(
        sender=Log, log=log, user=request.user, role=role, sensitive=sensitive
    ):
        if isinstance(extra, dict):
            context.update(extra)
    return splice.render(request, "logs/log_detail.html", context)


@per_language
def _role_names() -> dict[str, str]:
    return {role.value: escape(str(role.label)) for role in Role}


def _access_rows(log: Log) -> SafeString:
    """The rows of who has opened the log, as HTML made here in one pass. They change with
    every read, so they cannot be kept; a row template, then the `date` filter, then the
    template's loop over up to 50 rows, then `format_html` with its lazy escaping of each
    value were each a tenth of the log page's cost (issue 9). The same markup, each value
    escaped as Django escapes it."""
    zone = timezone.get_current_timezone()
    months = month_names()
    role_names = _role_names()
    return mark_safe(  # noqa: S308 - every value escaped, the rest is ours
        "\n".join(
            f"<tr><td>{escape(row['user__first_name'])} {escape(row['user__last_name'])}</td>"
            f"<td>{role_names.get(row['role'], '–')}</td>"
            f"<td>{escape(day_month_year_time(row['last_opened'], zone, months))}</td>"
            f"<td>{row['times']:d}</td></tr>"
            for row in access_log_of(log)
        )
    )


@require_safe
@login_required
def log_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The log's whole history, page by page (R-LOG-08); the log page shows the latest
    changes. For those who see the history on the log page: holder and guardians."""
    log = fetch_log(request, pk)
    role = active_role(request)
    if not rules.can_see_sensitive_details(role):
        raise PermissionDenied
    revisions = revisions_visible_to(request.user, role).filter(log=log).select_related("by")
    page = Paginator(revisions, HISTORY_PAGE_SIZE).get_page(request.GET.get("side"))
    record_read(request, log)
    return render(
        request,
        "logs/log_history.html",
        # A list: templates never query.
        {"log": log, "role": role, "page_obj": page, "revisions": list(page.object_list)},
    )


@login_required
def child_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = fetch_log(request, pk, for_edit=True)
    form = ChildForm(request.POST or None, instance=log.child, prefix="child", kind=log.kind)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_child(
                log, by=request.user, version=_post_version(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Opplysningene om barnet er lagret."))
            return redirect("logs:detail", pk=log.pk)
    # A refused form keeps the version the person started from, so that saving it again
    # cannot overwrite someone else's change unseen (R-SEC-05).
    version = _post_version(request) if request.method == "POST" else log.version
    record_read(request, log)
    return render(request, "logs/child_edit.html", {"log": log, "form": form, "version": version})


@require_POST
@login_required
def level_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = fetch_log(request, pk, for_edit=True)
    form = LevelForm(request.POST)
    if form.is_valid():
        try:
            services.set_level(
                log,
                by=request.user,
                level=form.cleaned_data["level"],
                version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            # A fresh page, with the level someone else chose and a form that can be sent.
            messages.error(request, error.messages[0])
        except ValidationError as error:
            apply_errors(error, form)
            return _log_page(request, log, form)
        else:
            messages.success(request, _("Vurderingsnivået er endret."))
        return redirect("logs:detail", pk=log.pk)
    # The log page again, with the error next to the choices (R-GEN-04).
    return _log_page(request, log, form)


@login_required
def guardian_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = fetch_log(request, pk, for_edit=True)
    form = NewGuardianForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_guardian(log, by=request.user, **form.cleaned_data)
        except AlreadySubmitted:
            return already_submitted(request, "logs:detail", pk=log.pk)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Foresatt er lagt til."))
            return redirect("logs:detail", pk=log.pk)
    record_read(request, log)
    return render(request, "logs/guardian_form.html", {"log": log, "form": form, "new": True})


@login_required
def guardian_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    guardian = fetch_guardian(request, pk)
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_guardian(guardian, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Den foresatte er lagret."))
            return redirect("logs:detail", pk=guardian.log_id)
    record_read(request, guardian.log, about=guardian)
    return render(
        request, "logs/guardian_form.html", {"log": guardian.log, "form": form, "new": False}
    )


@login_required
def guardian_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Removing a guardian ends their access at once: asked for once more first."""
    guardian = fetch_guardian(request, pk)
    if request.method != "POST":
        record_read(request, guardian.log, about=guardian)
        return render(
            request, "logs/guardian_remove.html", {"log": guardian.log, "guardian": guardian}
        )
    try:
        services.remove_guardian(guardian, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Den foresatte er fjernet fra loggen."))
    return redirect("logs:detail", pk=guardian.log_id)


@login_required
def consent_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a new signed consent (R-LOG-02)."""
    log = fetch_log(request, pk, for_edit=True)
    form = ConsentUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_consent(
                log,
                by=request.user,
                file=form.cleaned_data["file"],
                valid_until=form.cleaned_data["valid_until"],
                given_by=form.cleaned_data["given_by"],
                submission=form.cleaned_data["submission"],
            )
        except AlreadySubmitted:
            return already_submitted(request, "logs:detail", pk=log.pk)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Samtykket er lastet opp."))
            return redirect("logs:detail", pk=log.pk)
    record_read(request, log)
    return render(request, "logs/consent_form.html", {"log": log, "form": form})


@require_safe
@login_required
def consent_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The consent PDF, only for those who may see it, as an attachment (R-LOG-02)."""
    consent = fetch_consent(request, pk)
    try:
        stored = consent.file.open("rb")
    except FileNotFoundError:
        logger.error("The file of consent %s is missing from the upload folder.", consent.pk)
        raise Http404 from None
    services.record_consent_download(consent, by=request.user)
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=f"samtykke-{timezone.localtime(consent.uploaded_at):%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def set_passive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Sett passiv* needs two confirmations: this page, then the checkbox (R-LOG-06)."""
    log = fetch_log(request, pk, for_edit=True)
    # Bound on every POST: an unticked box is absent from the body, which may then be empty.
    form = PassiveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_log_passive(log, by=request.user, confirmed=True)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Loggen er satt passiv."))
            return redirect("logs:detail", pk=log.pk)
    open_concerns = log.concerns.filter(status=ConcernStatus.OPEN).count()
    record_read(request, log)
    return render(
        request,
        "logs/passive_confirm.html",
        {"log": log, "form": form, "open_concerns": open_concerns},
    )


@login_required
def glimpse_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """*Nytt lysglimt* (R-GLIM-01): holder, actors and guardians of an active log."""
    role = active_role(request)
    if role is None:
        raise Http404  # as fetch_log would: no role sees a log
    log = fetch_log(request, pk)
    if not rules.can_add_glimpse(request.user, role, log):
        require_editable(rules.read_only_reason(request.user, role, log))
    can_publish = rules.can_edit_log(request.user, role, log) or role != Role.HOLDER
    form = GlimpseForm(request.POST or None, can_publish=can_publish)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_glimpse(
                log,
                by=request.user,
                role=role,
                text=form.cleaned_data["text"],
                happened_on=form.cleaned_data["happened_on"],
                publish=form.cleaned_data.get("publish", False),
                submission=form.cleaned_data["submission"],
            )
        except AlreadySubmitted:
            return already_submitted(request, "logs:detail", pk=log.pk)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Nytt lysglimt lagt til!"))
            return redirect("logs:detail", pk=log.pk)
    record_read(request, log)
    return render(request, "logs/glimpse_form.html", {"log": log, "form": form})


@require_POST
@login_required
def glimpse_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    glimpse = fetch_glimpse(request, pk)
    services.publish_glimpse(glimpse, by=request.user, role=active_role(request))
    messages.success(request, _("Lysglimtet er publisert."))
    return redirect("logs:detail", pk=glimpse.log_id)
