from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from common.dates import DATETIME_WIDGET, PlausibleDatesMixin, PlausibleDateTimeField
from common.forms import SubmissionKeyMixin, field_of
from logs.enums import ConcernStatus, Level
from logs.forms import TEXTAREA, VersionMixin
from logs.models import Concern, Guardian, Log
from logs.queries import actors_allowed_for
from meetings.models import Meeting
from meetings.rules import LEVEL_ONE_ACTORS, MEETING_START, actors_allowed_at, length_problem
from organisations.forms import ActorPickerField, prepare_actor_picker


class ConcernChoiceField(forms.ModelMultipleChoiceField[Concern]):
    def label_from_instance(self, obj: Concern) -> str:
        return f"{obj.category} – {Truncator(obj.description).chars(60)}"


class GuardianChoiceField(forms.ModelMultipleChoiceField[Guardian]):
    def label_from_instance(self, obj: Guardian) -> str:
        if obj.email:
            return f"{obj.first_name} {obj.last_name} ({obj.email})"
        return _("%(name)s (ingen e-post: gi beskjed på annen måte)") % {
            "name": f"{obj.first_name} {obj.last_name}"
        }


class MeetingForm(SubmissionKeyMixin, PlausibleDatesMixin, VersionMixin, forms.Form):
    """Time, place, level, concerns and invitees of a meeting (R-MEET-01…03).

    The choices come from the log only: the log's concerns and guardians, the municipality's
    actors; any other id is an ordinary field error. Actors are chosen with a search
    (R-MEET-04): only the chosen ones and the hits are listed. A new meeting's form carries a
    one-time key: sent twice, it invites nobody twice (R-GEN-08).
    """

    level = forms.TypedChoiceField(
        label=_("Møtets nivå"),
        choices=Level.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("På nivå 1 deltar bare foresatte, stafettholderen og barnet."),
    )
    starts_at = PlausibleDateTimeField(plausible=MEETING_START, label=_("Starter"))
    ends_at = forms.DateTimeField(label=_("Slutter"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Sted"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=TEXTAREA,
        help_text=_("Vises bare i Stafettlogg, aldri i e-posten til de inviterte."),
    )
    concerns = ConcernChoiceField(
        label=_("Oppmerksomheter møtet gjelder"),
        queryset=Concern.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Velg oppmerksomheter fra denne loggen.")},
    )
    invite_holder = forms.BooleanField(label=_("Inviter meg som stafettholder"), required=False)
    guardians = GuardianChoiceField(
        label=_("Foresatte"),
        queryset=Guardian.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Velg foresatte fra denne loggen.")},
    )
    child_invited = forms.BooleanField(label=_("Barnet deltar i møtet"), required=False)
    actors = ActorPickerField(
        label=_("Aktører"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "Bare på nivå 2 og 3. Finner du ikke aktøren, søk etter hen eller registrer en ny."
        ),
    )

    def __init__(self, *args: Any, log: Log, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.log = log
        if meeting is not None:
            del self.fields["submission"]  # a change is guarded by the version (R-SEC-05)
        concerns = log.concerns.select_related("category")
        open_or_chosen = {"status": ConcernStatus.OPEN}
        if meeting is not None:
            chosen = list(meeting.concerns.values_list("pk", flat=True))
            concerns = concerns.filter(pk__in=chosen) | concerns.filter(**open_or_chosen)
        else:
            concerns = concerns.filter(**open_or_chosen)
        field_of(self, "concerns", ConcernChoiceField).queryset = concerns.distinct()
        guardians = log.guardians.select_related("user")
        field_of(self, "guardians", GuardianChoiceField).queryset = guardians
        actors = actors_allowed_for(log, level=Level.TWO)
        field_of(self, "actors", ActorPickerField).queryset = actors
        prepare_actor_picker(self, municipality_id=log.unit.municipality_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        retimed = {"starts_at", "ends_at"} & set(self.changed_data)
        if starts_at and ends_at and retimed and length_problem(starts_at, ends_at):
            self.add_error("ends_at", length_problem(starts_at, ends_at))
        level = cleaned.get("level")
        if level and cleaned.get("actors") and not actors_allowed_at(level):
            self.add_error("actors", LEVEL_ONE_ACTORS)
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "submission")}
        for name in ("concerns", "guardians", "actors"):
            data[name] = list(data[name])
        return data


class MinutesForm(VersionMixin, forms.Form):
    minutes = forms.CharField(
        label=_("Referat"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Hva ble sagt og avtalt? Referatet er en del av loggen og vises for stafettholderen "
            "og de foresatte og for de inviterte aktørene."
        ),
    )


class CancelForm(VersionMixin, forms.Form):
    pass


class ChildChoiceField(forms.ModelChoiceField[Log]):
    """A log, named by its child."""

    def label_from_instance(self, obj: Log) -> str:
        return obj.child.full_name


class ChooseLogForm(forms.Form):
    """*Nytt møte* from Min side: choose the child first (R-MEET-01)."""

    logg = ChildChoiceField(
        label=_("Stafettbarn"), queryset=Log.objects.none(), empty_label=_("Velg barn")
    )

    def __init__(self, *args: Any, logs: QuerySet[Log], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "logg", ChildChoiceField).queryset = logs
