"""A guardian's first login through ID-porten: the holder registered the guardian's national
ID number, and the number from ID-porten finds the guardian records (R-SEC-02, R-GUAR-02).

One person can be the guardian of several children: one row per log, the same number on each.
The rows are linked to one login only, never by name or e-mail, and the number itself is
never written to the audit trail or the log's history.
"""

import secrets

from django.db import IntegrityError, transaction

from accounts.models import User
from audit.services import record
from logs.models import Guardian
from logs.services._common import record_change

# RFC 2606: no address under .invalid ever receives mail (notifications skips them), and it
# cannot be anyone's real address, so that nobody is matched on it later.
NO_EMAIL_DOMAIN = "id-porten.stafettlogg.invalid"


class GuardianConflict(Exception):
    """The number's guardian records belong to another login, or to several: nothing is
    linked and nobody signs in (the person must ask the municipality)."""


@transaction.atomic
def link_guardians_by_national_id(national_id: str, *, person: User | None) -> User | None:
    """The login for ID-porten's `national_id`, after linking the guardian records with that
    number to it. `person` is the login that already has the number, if any.

    Rules: records already linked must all point to one login, and to `person` when there is
    one, else GuardianConflict. With no login anywhere, a login is made for the guardian:
    name from the record, its e-mail address when nobody uses it yet, no usable password,
    the number on the account. A deactivated login is returned untouched (the caller refuses
    it). Returns None when neither a login nor a guardian has the number.

    The records are locked first: two first logins at once wait for each other, and the
    second finds the login the first made. Side effects: the account (audit
    user.registered), the number on an existing login (audit user.national_id_changed), each
    record linked (history and audit guardian.linked).
    """
    rows = list(
        Guardian.objects.select_for_update(of=("self",))
        .select_related("log")
        .filter(national_id=national_id)
        .order_by("pk")
    )
    if not rows:
        return person
    owners = {row.user_id for row in rows if row.user_id is not None}
    if person is None:
        if len(owners) > 1:
            raise GuardianConflict
        person = _owner(owners.pop(), national_id) if owners else _new_login(rows[0], national_id)
    elif owners - {person.pk}:
        raise GuardianConflict
    if not person.is_active:
        return person
    for row in rows:
        if row.user_id is None:
            row.user = person
            row.save(update_fields=["user"])
            record_change(row.log, by=person, action="guardian.linked", obj=row)
    return person


def _owner(pk: int, national_id: str) -> User:
    """The login the records are already linked to (an invitation by e-mail, or an earlier
    first login); it gets the number unless it has another one."""
    person = User.objects.select_for_update().get(pk=pk)
    if person.national_id and person.national_id != national_id:
        raise GuardianConflict
    if not person.national_id and person.is_active:
        person.national_id = national_id
        try:
            with transaction.atomic():
                person.save(update_fields=["national_id"])
        except IntegrityError:
            # Another login took the number meanwhile (an administrator): not this one's.
            raise GuardianConflict from None
        record(
            actor=person, action="user.national_id_changed", obj=person, data={"via": "idporten"}
        )
    return person


def _new_login(guardian: Guardian, national_id: str) -> User:
    email = (guardian.email or "").strip().lower()
    if not email or User.objects.filter(email__iexact=email).exists():
        # Never matched on the address: one already in use stays its owner's.
        email = f"{secrets.token_hex(12)}@{NO_EMAIL_DOMAIN}"
    try:
        with transaction.atomic():
            person = User.objects.create_user(
                email,
                first_name=guardian.first_name,
                last_name=guardian.last_name,
                national_id=national_id,
            )
    except IntegrityError:
        # A login with the number (or the address) came into being meanwhile.
        existing = User.objects.filter(national_id=national_id).first()
        if existing is None:
            raise GuardianConflict from None
        return existing
    record(actor=person, action="user.registered", obj=person, data={"via": "idporten"})
    return person
