"""Personal notes (R-NOTE-01): every fetch goes through `notes_visible_to`, so another
person's note is a 404 here, whatever the role."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedHttpRequest
from common.submissions import AlreadySubmitted
from common.views import already_submitted, apply_errors
from notes.forms import NoteEditForm, NoteForm
from notes.models import Note
from notes.queries import notes_visible_to
from notes.services import create_note, delete_note, update_note

PAGE_SIZE = 50


def _own_note(request: AuthenticatedHttpRequest, pk: int) -> Note:
    return get_object_or_404(notes_visible_to(request.user), pk=pk)


def _create(request: AuthenticatedHttpRequest, form: NoteForm) -> HttpResponse | None:
    """Save a posted new note; None when the form has to be shown again with its errors."""
    if not form.is_valid():
        return None
    try:
        create_note(
            by=request.user,
            text=form.cleaned_data["text"],
            submission=form.cleaned_data["submission"],
        )
    except AlreadySubmitted:
        return already_submitted(request, "notes:list")
    except ValidationError as error:
        apply_errors(error, form)
        return None
    messages.success(request, _("Notatet er lagret."))
    return redirect("notes:list")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's own notes, newest first, with a form for a new one."""
    form = NoteForm(request.POST or None)
    if request.method == "POST" and (response := _create(request, form)):
        return response
    page = Paginator(notes_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("side"))
    page.object_list = list(page.object_list)  # read here: templates never query
    return render(request, "notes/note_list.html", {"form": form, "page_obj": page})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NoteForm(request.POST or None)
    if request.method == "POST" and (response := _create(request, form)):
        return response
    return render(request, "notes/note_form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read and edit one's own note; a save over someone's newer one is refused (R-SEC-05)."""
    note = _own_note(request, pk)
    if request.method == "POST":
        form = NoteEditForm(request.POST)
        if form.is_valid():
            try:
                update_note(
                    note,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                # The bound form keeps the typed text; the message says what to do with it.
                apply_errors(error, form)
            else:
                messages.success(request, _("Notatet er lagret."))
                return redirect("notes:list")
    else:
        form = NoteEditForm(initial={"text": note.text, "version": note.version})
    return render(request, "notes/note_form.html", {"form": form, "note": note})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    note = _own_note(request, pk)
    if request.method == "POST":
        delete_note(note, by=request.user)
        messages.success(request, _("Notatet er slettet."))
        return redirect("notes:list")
    return render(request, "notes/note_confirm_delete.html", {"note": note})
