"""The rules about the data of a new log, its child and guardians, and of a consent, checked
before anything is saved and reported all at once (R-LOG-01, R-LOG-02, R-LOG-04, R-GEN-04).

logs.services applies them to every save; the new-log page also asks check_new_log about the
parts its forms accepted, so that one round shows every error (issue 7, item 12).
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.no import fodselsnummer

from logs.enums import ConsentGiver, LogKind
from logs.models import Child, Guardian
from logs.rules import CONSENT_END, birth_date_range
from logs.uploads import validate_pdf
from organisations.models import Municipality

# Messages by field name, as ValidationError.message_dict has them.
Errors = dict[str, list[str]]

MAX_GUARDIANS = 4
CHILD_FIELDS = [
    "first_name",
    "last_name",
    "national_id",
    "birth_date",
    "address",
    "postcode",
    "place",
    "email",
]
GUARDIAN_FIELDS = [
    "first_name",
    "last_name",
    "national_id",
    "phone",
    "email",
    "address",
    "postcode",
    "place",
]


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def merge_errors(errors: Errors, error: ValidationError, key: str = NON_FIELD_ERRORS) -> None:
    """Add `error`'s messages to `errors`, by field; a message about no field goes to `key`."""
    items = error.message_dict.items() if hasattr(error, "error_dict") else [(key, error.messages)]
    for field, messages in items:
        known = errors.setdefault(field, [])
        known.extend(m for m in messages if m not in known)


def complete_child(
    child: Child, *, kind: str, exclude: Iterable[str] = (), typed_birth_date: bool = True
) -> None:
    """Check the child's details, every error at once, and derive the birth date from the
    national ID number. Fields in `exclude` are not checked (their form refused them).

    `typed_birth_date`: the birth date is new or changed, so its range (a child's, or an
    expectant mother's for `kind` pregnancy) is checked; one already stored, or taken from
    the national ID number, needs no check."""
    errors: Errors = {}
    either = not {"national_id", "birth_date"} & set(exclude)
    if not child.national_id and not child.birth_date and either:
        errors["national_id"] = [_("Fyll inn fødselsnummer eller fødselsdato.")]
    if child.national_id:
        child.national_id = fodselsnummer.compact(child.national_id)
    born_range = birth_date_range(kind)
    implausible = typed_birth_date and child.birth_date and born_range.message_for(child.birth_date)
    if implausible:
        errors["birth_date"] = [implausible]
    try:
        _clean(child, exclude=list(exclude))
    except ValidationError as error:
        merge_errors(errors, error)
    if child.national_id and "national_id" not in errors:
        born = fodselsnummer.get_birth_date(child.national_id)
        if child.birth_date and child.birth_date != born:
            errors.setdefault("birth_date", [_("Fødselsdatoen stemmer ikke med fødselsnummeret.")])
        child.birth_date = born
    if errors:
        raise ValidationError(errors)


def validate_guardians(guardians: list[dict[str, Any]], kind: str) -> list[Guardian]:
    minimum = 0 if kind == LogKind.PREGNANCY else 1
    if not minimum <= len(guardians) <= MAX_GUARDIANS:
        raise ValidationError(
            _("En logg skal ha minst én og høyst fire foresatte.")
            if minimum
            else _("En logg kan ha høyst fire foresatte."),
            code="guardian_count",
        )
    objects = []
    for data in guardians:
        guardian = Guardian(**{k: data.get(k, "") for k in GUARDIAN_FIELDS})
        _clean(guardian, exclude=["log", "user"])
        objects.append(guardian)
    return objects


def consent_errors(consent: dict[str, Any], child: Child | None) -> Errors:
    """The rules of a consent, keyed by field; a key missing from `consent` is not checked,
    and without `child` neither is the young person's age (R-LOG-02)."""
    errors: Errors = {}
    if "file" in consent:
        try:
            validate_pdf(consent["file"])
        except ValidationError as error:
            errors["file"] = error.messages
    today = timezone.localdate()
    if "valid_until" in consent:
        valid_until = consent["valid_until"]
        if valid_until is None:
            errors["valid_until"] = [_("Fyll inn hvor lenge samtykket gjelder.")]
        elif message := CONSENT_END.message_for(valid_until, today=today):
            errors["valid_until"] = [message]
    if consent.get("given_by") == ConsentGiver.YOUNG_PERSON and child is not None:
        age = child.age_on(today)
        if age is None or age < settings.STAFETT_SELF_CONSENT_AGE:
            errors["given_by"] = [
                _("Den unge kan samtykke selv fra fylte %(age)s år.")
                % {"age": settings.STAFETT_SELF_CONSENT_AGE}
            ]
    return errors


def new_log_parts(
    *,
    municipality: Municipality | None,
    kind: str,
    child: dict[str, Any],
    guardians: list[dict[str, Any]] | None,
    consent: dict[str, Any],
    partial: bool,
) -> tuple[Child, list[Guardian], Errors]:
    """The child and guardians of a new log, built, and every error about the new log's data
    at once, keyed by field ("guardians" for their number).

    With `partial`, only what is given is checked: the child's fields in `child`, the
    guardians unless None. The consent (if any) is checked for the keys in `consent`: the
    page leaves out the file, which it has checked when it came.
    """
    errors: Errors = {}
    new_child = Child(municipality=municipality, **{k: child.get(k) for k in CHILD_FIELDS})
    for name in CHILD_FIELDS:
        if getattr(new_child, name) is None and name != "birth_date":
            setattr(new_child, name, "")
    exclude = [k for k in CHILD_FIELDS if k not in child] + ["municipality"] if partial else []
    try:
        complete_child(new_child, kind=kind, exclude=exclude)
    except ValidationError as error:
        merge_errors(errors, error)
    guardian_objects: list[Guardian] = []
    if guardians is not None:
        try:
            guardian_objects = validate_guardians(guardians, kind)
        except ValidationError as error:
            merge_errors(errors, error, key="guardians")
    if consent:
        # The young person's age is known only from an accepted number or date of birth.
        known = not ({"national_id", "birth_date"} & (set(errors) | set(exclude)))
        merge_errors(errors, ValidationError(consent_errors(consent, new_child if known else None)))
    return new_child, guardian_objects, errors


def check_new_log(
    *,
    kind: str,
    child: dict[str, Any],
    guardians: list[dict[str, Any]] | None,
    consent: dict[str, Any],
) -> Errors:
    """The errors creating this log would meet in what is given, saving nothing, so that the
    page can show them together with its forms' own (R-GEN-04); see new_log_parts."""
    return new_log_parts(
        municipality=None,
        kind=kind,
        child=child,
        guardians=guardians,
        consent=consent,
        partial=True,
    )[2]
