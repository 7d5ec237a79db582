"""Working in a log: concerns, measures and evaluations (manual §3.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from logs import rules, services
from logs.access import fetch_concern, fetch_log, fetch_measure, record_read
from logs.enums import Outcome
from logs.forms import (
    ConcernEditForm,
    DeadlineForm,
    DeadlinePassedForm,
    EvaluationForm,
    MeasureEditForm,
    MeasureForm,
    NewConcernForm,
    NewMeasureForm,
)
from logs.models import Log, Measure
from organisations.forms import OptionalActorForm, keep_as_typed, search_requested
from organisations.queries import active_role

# After these outcomes the page offers a new measure based on the evaluated one (R-MEAS-03).
FOLLOW_UP_OUTCOMES = {Outcome.SOME_EFFECT, Outcome.REGISTERED_IN_ERROR}


def _version(form: BaseForm) -> int | None:
    return form.cleaned_data.get("version")


def _detail(log_id: int, anchor: str = "") -> str:
    """Back to the log page, at its top: that is where the confirmation or the reason for
    a refusal is shown (R-GEN-04); a jump to the concern would scroll it out of sight."""
    return reverse("logs:detail", args=[log_id])


@login_required
def concern_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new concern and its first measure in one screen (R-CONC-01)."""
    log = fetch_log(request, pk, for_edit=True)
    data = request.POST or None
    concern_form = NewConcernForm(data, log=log)
    measure_form = MeasureForm(data, log=log, prefix="measure")
    new_actor = _new_actor_form(data, log)
    if search_requested(data):
        keep_as_typed(concern_form, measure_form, new_actor)
    elif concern_form.is_valid() & measure_form.is_valid() & new_actor.is_valid():
        try:
            concern = services.create_concern(
                log,
                by=request.user,
                measure=measure_form.cleaned_data,
                new_actor=_new_actor_data(new_actor),
                **concern_form.cleaned_data,
            )
        except AlreadySubmitted:
            return already_submitted(request, _detail(log.pk))
        except ValidationError as error:
            apply_errors(error, concern_form, new_actor, prefixed={"measure_": measure_form})
        else:
            messages.success(request, _("Ny oppmerksomhet med tiltak er lagt til."))
            return redirect(_detail(log.pk, f"concern-{concern.pk}"))
    context = {
        "log": log,
        "concern_form": concern_form,
        "measure_form": measure_form,
        "new_actor": new_actor,
        "new": True,
    }
    record_read(request, log)
    return render(request, "logs/concern_form.html", context)


def _new_actor_form(data: QueryDict | None, log: Log) -> OptionalActorForm:
    return OptionalActorForm(data, municipality_id=log.unit.municipality_id, prefix="new_actor")


def _new_actor_data(form: OptionalActorForm) -> dict | None:
    """The actor to register with the measure, if one was typed (R-MEET-03)."""
    return dict(form.cleaned_data) if form.has_data else None


@login_required
def concern_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit an open concern; the old text stays in the history (R-LOG-08)."""
    concern = fetch_concern(request, pk, while_open=True)
    log = concern.log
    form = ConcernEditForm(
        request.POST or None, instance=concern, log=log, initial={"version": concern.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_concern(concern, by=request.user, version=_version(form), **data)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Oppmerksomheten er lagret."))
            return redirect(_detail(log.pk, f"concern-{concern.pk}"))
    record_read(request, log, about=concern)
    return render(
        request, "logs/concern_form.html", {"log": log, "concern_form": form, "new": False}
    )


@require_POST
@login_required
def concern_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a concern whose measures are all evaluated (R-CONC-02)."""
    concern = fetch_concern(request, pk)
    try:
        services.close_concern(concern, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Oppmerksomheten er avsluttet."))
    return redirect(_detail(concern.log_id, f"concern-{concern.pk}"))


@login_required
def measure_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new measure on a concern (R-MEAS-01), or a follow-up of one (`?basert_paa=`)."""
    concern = fetch_concern(request, pk)
    log = concern.log
    based_on = None
    based_on_id = request.POST.get("based_on") or request.GET.get("basert_paa")
    if based_on_id:
        try:
            based_on = concern.measures.get(pk=int(based_on_id))
        except (ValueError, concern.measures.model.DoesNotExist):
            raise Http404 from None
    initial = {}
    if based_on is not None:
        initial = {
            "category": based_on.category_id,
            "description": based_on.description,
            "actors": list(based_on.actors.values_list("pk", flat=True)),
        }
    data = request.POST or None
    form = NewMeasureForm(data, log=log, initial=initial)
    new_actor = _new_actor_form(data, log)
    if search_requested(data):
        keep_as_typed(form, new_actor)
    elif form.is_valid() & new_actor.is_valid():
        try:
            services.add_measure(
                concern,
                by=request.user,
                based_on=based_on,
                new_actor=_new_actor_data(new_actor),
                **form.cleaned_data,
            )
        except AlreadySubmitted:
            return already_submitted(request, _detail(log.pk))
        except ValidationError as error:
            apply_errors(error, form, new_actor)
        else:
            messages.success(request, _("Nytt tiltak er lagt til."))
            return redirect(_detail(log.pk, f"concern-{concern.pk}"))
    record_read(request, log, about=concern)
    context = {
        "log": log,
        "concern": concern,
        "form": form,
        "new_actor": new_actor,
        "based_on": based_on,
        "new": True,
    }
    return render(request, "logs/measure_form.html", context)


@login_required
def measure_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a measure until it is evaluated (R-LOG-08)."""
    measure = fetch_measure(request, pk, while_open=True)
    log = measure.concern.log
    initial = {
        "category": measure.category_id,
        "description": measure.description,
        "deadline": measure.deadline,
        "actors": list(measure.actors.values_list("pk", flat=True)),
        "version": measure.version,
    }
    data = request.POST or None
    form = MeasureEditForm(data, log=log, initial=initial)
    if search_requested(data):
        keep_as_typed(form)
    elif form.is_bound and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.update_measure(measure, by=request.user, version=_version(form), **fields)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Tiltaket er lagret."))
            return redirect(_detail(log.pk, f"measure-{measure.pk}"))
    record_read(request, log, about=measure)
    return render(
        request,
        "logs/measure_form.html",
        {"log": log, "concern": measure.concern, "form": form, "measure": measure, "new": False},
    )


def _evaluated(request: AuthenticatedHttpRequest, measure: Measure) -> HttpResponse:
    """An evaluated measure is shown as evaluated, with no form to send in vain (R-MEAS-03);
    a form sent to it anyway is answered the same way, after a redirect."""
    if request.method == "POST":
        messages.info(request, rules.ALREADY_EVALUATED)
        return redirect("logs:measure_evaluate", pk=measure.pk)
    evaluation = getattr(measure, "evaluation", None)
    context = {"log": measure.concern.log, "measure": measure, "evaluation": evaluation}
    record_read(request, measure.concern.log, about=measure)
    return render(request, "logs/measure_evaluated.html", context)


def _after_evaluation(measure: Measure, outcome: str) -> HttpResponse:
    if outcome in FOLLOW_UP_OUTCOMES:
        return redirect("logs:evaluation_next", pk=measure.pk)
    return redirect(_detail(measure.concern.log_id, f"measure-{measure.pk}"))


@login_required
def measure_evaluate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Evaluate a measure, once (R-MEAS-03), with the child's voice (R-LOG-07)."""
    measure = fetch_measure(request, pk)
    if not measure.is_open:
        return _evaluated(request, measure)
    log = measure.concern.log
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluate_measure(measure, by=request.user, **form.cleaned_data)
        except AlreadySubmitted as repeat:
            messages.info(request, AlreadySubmitted.message)
            return _after_evaluation(measure, getattr(repeat.obj, "outcome", ""))
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Tiltaket er evaluert."))
            return _after_evaluation(measure, form.cleaned_data["outcome"])
    record_read(request, log, about=measure)
    return render(
        request, "logs/evaluation_form.html", {"log": log, "measure": measure, "form": form}
    )


@login_required
def evaluation_next(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """After *some effect* or *registered in error*: offer a follow-up or a new measure."""
    measure = fetch_measure(request, pk, for_edit=False, select=("concern__log", "evaluation"))
    if not hasattr(measure, "evaluation"):
        return redirect(_detail(measure.concern.log_id, f"measure-{measure.pk}"))
    record_read(request, measure.concern.log, about=measure)
    return render(
        request,
        "logs/evaluation_next.html",
        {
            "log": measure.concern.log,
            "measure": measure,
            "evaluation": measure.evaluation,
            "can_edit": rules.can_edit_concern(request.user, active_role(request), measure.concern),
        },
    )


@login_required
def measure_deadline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An overdue measure: a new deadline, or *deadline passed* (R-MEAS-04)."""
    measure = fetch_measure(request, pk)
    if not measure.is_open:
        return _evaluated(request, measure)
    log = measure.concern.log
    action = request.POST.get("action")
    deadline_form = DeadlineForm(request.POST if action == "extend" else None)
    passed_form = DeadlinePassedForm(request.POST if action == "passed" else None)
    if request.method == "POST":
        try:
            if action == "extend" and deadline_form.is_valid():
                services.extend_deadline(
                    measure, by=request.user, deadline=deadline_form.cleaned_data["deadline"]
                )
                messages.success(request, _("Tiltaket har fått ny frist."))
                return redirect(_detail(log.pk, f"measure-{measure.pk}"))
            if action == "passed" and passed_form.is_valid():
                services.mark_deadline_passed(
                    measure, by=request.user, text=passed_form.cleaned_data["text"]
                )
                messages.success(
                    request, _("Tiltaket er avsluttet med status «Fristen er passert».")
                )
                return redirect(_detail(log.pk, f"measure-{measure.pk}"))
        except ValidationError as error:
            apply_errors(error, deadline_form if action == "extend" else passed_form)
    record_read(request, log, about=measure)
    return render(
        request,
        "logs/measure_deadline.html",
        {
            "log": log,
            "measure": measure,
            "deadline_form": deadline_form,
            "passed_form": passed_form,
            "overdue": measure.is_overdue(),
        },
    )
