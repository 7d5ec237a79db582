"""The leader's staff pages (R-LEAD-01, R-ROLE-03): list, new, edit, roles, hand-over,
deactivation. Open to the leader role and to municipality administrators
(organisations.queries.leads); everyone else, and any person outside the leader's units,
gets a 404. No page here shows anything from a log but a number."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from organisations.models import Membership, Unit
from organisations.queries import leads, units_led_by
from staff.forms import AddRoleForm, EditStaffForm, HandOverForm, NewStaffForm
from staff.queries import holders_of, staff_of, standing_of, with_roles_in
from staff.rules import (
    MANAGED_ROLES,
    deactivate_refusal,
    email_change_refusal,
    reactivate_refusal,
)
from staff.services import (
    add_staff_role,
    create_staff,
    deactivate_staff,
    edit_staff,
    hand_over_staff_logs,
    reactivate_staff,
    remove_staff_role,
)

PAGE_SIZE = 50
LeaderView = Callable[..., HttpResponse]


def leader_page(view: LeaderView) -> LeaderView:
    """Signed in, and the leader's pages open to this request; else a 404, never a 403."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not leads(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _reach(request: AuthenticatedHttpRequest) -> QuerySet[Unit]:
    """The leader's units, worked out once per request (it walks the unit tree)."""
    reach: QuerySet[Unit] | None = getattr(request, "_staff_reach", None)
    if reach is None:
        reach = units_led_by(request.user)
        request._staff_reach = reach  # type: ignore[attr-defined]  # kept for this request
    return reach


def _fetch_person(request: AuthenticatedHttpRequest, pk: int) -> User:
    """A person of the leader's units; anyone else is not found (R-ROLE-07)."""
    return get_object_or_404(staff_of(_reach(request)), pk=pk)


@require_safe
@leader_page
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The holders and actors of the leader's units, active and deactivated."""
    reach = _reach(request)
    people = with_roles_in(staff_of(reach), reach)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("side"))
    page.object_list = list(page.object_list)  # read here: templates never query
    return render(request, "staff/staff_list.html", {"page_obj": page})


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def staff_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Ny stafettholder / aktør* (R-LEAD-01)."""
    reach = _reach(request)
    if request.method == "POST":
        form = NewStaffForm(request.POST, units=reach)
    else:
        form = NewStaffForm(
            units=reach, initial={"unit": reach.first() if reach.count() == 1 else None}
        )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            added = create_staff(by=request.user, **data)
        except AlreadySubmitted:
            return already_submitted(request, "staff:list")
        except ValidationError as error:
            apply_errors(error, form)
        else:
            name = added.person.get_full_name()
            if added.new_account:
                messages.success(
                    request,
                    _("%(name)s er lagt til og får en e-post for å aktivere kontoen.")
                    % {"name": name},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s fantes fra før og har fått den nye rollen.") % {"name": name},
                )
            return redirect("staff:edit", added.person.pk)
    return render(request, "staff/staff_create.html", {"form": form})


def _edit_page(
    request: AuthenticatedHttpRequest,
    person: User,
    *,
    form: EditStaffForm | None = None,
    role_form: AddRoleForm | None = None,
) -> HttpResponse:
    reach = _reach(request)
    person = with_roles_in(User.objects.filter(pk=person.pk), reach).get()
    lock = email_change_refusal(person)
    if form is None:
        initial = {f: getattr(person, f) for f in ("first_name", "last_name", "email", "phone")}
        form = EditStaffForm(initial=initial, email_locked=bool(lock))
    context = {
        "email_locked": lock,
        "person": person,
        "roles": person.roles_here,  # type: ignore[attr-defined]  # with_roles_in's
        "managed": [role.value for role in MANAGED_ROLES],
        "form": form,
        "role_form": role_form or AddRoleForm(units=reach),
        "is_self": person.pk == request.user.pk,
    }
    return render(request, "staff/staff_edit.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def staff_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A person of the leader's units: details, roles, and the way to deactivate."""
    person = _fetch_person(request, pk)
    if request.method != "POST":
        return _edit_page(request, person)
    form = EditStaffForm(request.POST, email_locked=bool(email_change_refusal(person)))
    if form.is_valid():
        try:
            edit_staff(person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _("Endringene er lagret."))
            return redirect("staff:edit", person.pk)
    return _edit_page(request, person, form=form)


@require_POST
@leader_page
def role_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _fetch_person(request, pk)
    role_form = AddRoleForm(request.POST, units=_reach(request))
    if role_form.is_valid():
        try:
            add_staff_role(person, by=request.user, **role_form.cleaned_data)
        except ValidationError as error:
            apply_errors(error, role_form)
        else:
            messages.success(request, _("Rollen er lagt til."))
            return redirect("staff:edit", person.pk)
    return _edit_page(request, person, role_form=role_form)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def role_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Confirm, then take the role away; a refusal is shown on the confirmation page."""
    person = _fetch_person(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("unit", "user").filter(unit__in=_reach(request)),
        pk=membership_pk,
        user=person,
    )
    error = ""
    if request.method == "POST":
        try:
            remove_staff_role(membership, by=request.user)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, _("Rollen er fjernet."))
            return redirect("staff:edit", person.pk)
    context = {"person": person, "membership": membership, "error": error}
    return render(request, "staff/role_remove.html", context)


def _handed_over(count: int) -> str:
    return ngettext("%(count)s logg er gitt videre.", "%(count)s logger er gitt videre.", count) % {
        "count": count
    }


def _hand_over_form(
    request: AuthenticatedHttpRequest, person: User
) -> tuple[HandOverForm, int, str]:
    """The hand-over choices, the number of logs in the leader's units, and why the person
    may not be deactivated ("" if they may)."""
    reach = _reach(request)
    standing = standing_of(person, reach)
    units = {unit.pk: unit for unit in reach.filter(pk__in=list(standing.logs_by_unit))}
    counts = [(units[pk], n) for pk, n in sorted(standing.logs_by_unit.items())]
    holders = holders_of(reach.filter(pk__in=list(units)), besides=person)
    data = request.POST if request.method == "POST" else None
    form = HandOverForm(data, counts=counts, holders=holders)
    refusal = deactivate_refusal(
        request.user,
        person,
        roles_elsewhere=standing.roles_elsewhere,
        guardian=standing.guardian,
        logs_elsewhere=standing.logs_elsewhere,
    )
    return form, standing.logs_here, refusal


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm the deactivation; a holder's active logs are handed over in the same step."""
    person = _fetch_person(request, pk)
    form, logs_here, refusal = _hand_over_form(request, person)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            moved = deactivate_staff(person, by=request.user, hand_to=form.hand_to())
        except ValidationError as error:
            apply_errors(error, form)
        else:
            text = _("%(name)s er deaktivert og er logget ut.") % {"name": person.get_full_name()}
            if moved:
                text += " " + _handed_over(moved)
            messages.success(request, text)
            return redirect("staff:list")
    context = {
        "person": person,
        "form": form,
        "logs_here": logs_here,
        "refusal": refusal,
        "deactivating": True,
    }
    return render(request, "staff/hand_over.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def hand_over(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give a holder's active logs in the leader's units to other holders, without
    deactivating them (e.g. before taking the holder role away)."""
    person = _fetch_person(request, pk)
    form, logs_here, _refusal = _hand_over_form(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            moved = hand_over_staff_logs(person, by=request.user, hand_to=form.hand_to())
        except ValidationError as error:
            apply_errors(error, form)
        else:
            messages.success(request, _handed_over(moved))
            return redirect("staff:edit", person.pk)
    context = {
        "person": person,
        "form": form,
        "logs_here": logs_here,
        "refusal": "",
        "deactivating": False,
    }
    return render(request, "staff/hand_over.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@leader_page
def reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then switch a deactivated person on again; a refusal is said on the page."""
    person = _fetch_person(request, pk)
    standing = standing_of(person, _reach(request))
    refusal = reactivate_refusal(
        person, roles_elsewhere=standing.roles_elsewhere, guardian=standing.guardian
    )
    if request.method == "POST" and not refusal:
        try:
            reactivate_staff(person, by=request.user)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request, _("%(name)s er aktiv igjen.") % {"name": person.get_full_name()}
            )
            return redirect("staff:edit", person.pk)
    return render(request, "staff/reactivate.html", {"person": person, "refusal": refusal})
