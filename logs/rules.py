"""Pure predicates on what a person may do; views and templates use the same ones.

They assume the object was fetched through logs.queries (so it is visible); they answer
whether the person may also change it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RequestUser
from common.dates import PlausibleRange
from logs.enums import LogKind, LogStatus
from logs.models import Concern, Glimpse, Log, Measure, Transfer
from organisations.enums import Role

# The dates people type into a log (R-GEN-04); see common.dates.
BIRTH_DATE = PlausibleRange(
    years_back=25,
    too_early=gettext_lazy("Fødselsdatoen er mer enn 25 år tilbake i tid. Sjekk årstallet."),
    too_late=gettext_lazy("Fødselsdatoen kan ikke være fram i tid."),
)
# In a pregnancy log the person is the expectant mother, not a child (R-LOG-01).
MOTHER_BIRTH_DATE = PlausibleRange(
    years_back=60,
    too_early=gettext_lazy("Fødselsdatoen er mer enn 60 år tilbake i tid. Sjekk årstallet."),
    too_late=gettext_lazy("Fødselsdatoen kan ikke være fram i tid."),
)
# A measure is evaluated within months; two years ahead is already a long plan.
MEASURE_DEADLINE = PlausibleRange(
    years_ahead=2,
    too_early=gettext_lazy("Fristen kan ikke være tilbake i tid."),
    too_late=gettext_lazy("Fristen kan ikke være mer enn to år fram i tid. Sjekk årstallet."),
)
CONSENT_END = PlausibleRange(
    years_ahead=5,
    too_early=gettext_lazy("Samtykket er allerede utløpt. Sjekk datoen."),
    too_late=gettext_lazy(
        "Et samtykke kan ikke gjelde mer enn fem år fram i tid. Sjekk årstallet."
    ),
)
GLIMPSE_DATE = PlausibleRange(
    years_back=1,
    too_early=gettext_lazy("Datoen kan ikke være mer enn ett år tilbake i tid."),
    too_late=gettext_lazy("Datoen kan ikke være fram i tid."),
)


# The words of refusals that pages and services share; each is said here only.
CONCERN_CLOSED = gettext_lazy("Oppmerksomheten er avsluttet og kan ikke endres.")
MEASURE_EVALUATED = gettext_lazy("Tiltaket er evaluert og kan ikke endres.")
# A measure is evaluated once (R-MEAS-03): the words for a second try, wherever it is refused.
ALREADY_EVALUATED = gettext_lazy("Tiltaket er allerede evaluert.")
NO_GLIMPSE_HERE = gettext_lazy("Du kan ikke legge til lysglimt i denne loggen.")


def birth_date_range(kind: str) -> PlausibleRange:
    """The birth dates a log of this kind accepts: a child's, or an expectant mother's."""
    return MOTHER_BIRTH_DATE if kind == LogKind.PREGNANCY else BIRTH_DATE


def holds(user: RequestUser, role: Role | None, log: Log) -> bool:
    """The person is the log's holder and works as holder now (R-ROLE-04): the one rule
    behind every change of a log, its access list and taking back a transfer."""
    return role == Role.HOLDER and log.holder_id == user.pk


def read_only_reason(user: RequestUser, role: Role | None, log: Log) -> str:
    """Why the person cannot change the log now, in words for them; "" if they can.

    Only the holder, working as holder, changes a log, and only while it is active
    (R-ROLE-04, R-TRAN-03, R-LOG-06). Services raise the same words (logs.services).
    """
    if log.status == LogStatus.PASSIVE:
        return _("Loggen er passiv og kan ikke endres.")
    if log.status == LogStatus.TRANSFER_PENDING:
        return _("Loggen venter på overføring og kan ikke endres så lenge.")
    if not holds(user, role, log):
        return _("Bare stafettholderen kan endre denne loggen.")
    return ""


def can_edit_log(user: RequestUser, role: Role | None, log: Log) -> bool:
    """Only the holder, working as holder, on an active log (R-ROLE-04, R-TRAN-03, R-LOG-06)."""
    return not read_only_reason(user, role, log)


def concern_read_only_reason(user: RequestUser, role: Role | None, concern: Concern) -> str:
    """Why the person cannot change the concern now; "" if they can: the log's reason, or
    that it is closed (R-CONC-02, R-LOG-08)."""
    reason = read_only_reason(user, role, concern.log)
    if not reason and not concern.is_open:
        return str(CONCERN_CLOSED)
    return reason


def can_edit_concern(user: RequestUser, role: Role | None, concern: Concern) -> bool:
    """The holder may change an open concern of an active log and add measures to it."""
    return not concern_read_only_reason(user, role, concern)


def measure_read_only_reason(user: RequestUser, role: Role | None, measure: Measure) -> str:
    """Why the person cannot change the measure now; "" if they can: the log's reason, or
    that it is evaluated (R-MEAS-03, R-LOG-08)."""
    reason = read_only_reason(user, role, measure.concern.log)
    if not reason and not measure.is_open:
        return str(MEASURE_EVALUATED)
    return reason


def add_glimpse_refusal(user: RequestUser, role: Role | None, log: Log) -> str:
    """Why the person may not add a glimpse to the log now; "" if they may (R-GLIM-01).

    The log fetched through logs_visible_to, so an actor is attached and a guardian the
    child's own; logs.services.create_glimpse checks that too.
    """
    if log.status != LogStatus.ACTIVE:
        return _("Loggen kan ikke endres nå.")
    if role not in (Role.HOLDER, Role.ACTOR, Role.GUARDIAN):
        return str(NO_GLIMPSE_HERE)
    return ""


def can_add_glimpse(user: RequestUser, role: Role | None, log: Log) -> bool:
    """Holder, actors and guardians of an active log (R-GLIM-01)."""
    return not add_glimpse_refusal(user, role, log)


def can_publish_glimpse(user: RequestUser, role: Role | None, glimpse: Glimpse) -> bool:
    """An unpublished glimpse of an active log: its author, or the holder (R-GLIM-01)."""
    if glimpse.is_published or glimpse.log.status != LogStatus.ACTIVE:
        return False
    return can_edit_log(user, role, glimpse.log) or glimpse.author_id == user.pk


def can_transfer_log(user: RequestUser, role: Role | None, log: Log) -> bool:
    """The holder hands an active log over (R-TRAN-01); pending or passive logs cannot be."""
    return can_edit_log(user, role, log)


def withdraw_refusal(user: RequestUser, role: Role | None, transfer: Transfer) -> str:
    """Why the person may not take the transfer back; "" if they may: only the holder who
    still holds the log (whoever has it on their desk now, R-TRAN-04)."""
    if holds(user, role, transfer.log):
        return ""
    return _("Bare stafettholderen kan trekke tilbake overføringen.")


def can_withdraw_transfer(user: RequestUser, role: Role | None, transfer: Transfer) -> bool:
    """The holder who still holds the log takes a pending transfer back."""
    return transfer.is_pending and not withdraw_refusal(user, role, transfer)


def decide_refusal(user: RequestUser, role: Role | None, transfer: Transfer) -> str:
    """Why the person may not answer the transfer; "" if they may: only its recipient,
    working as holder (R-TRAN-04)."""
    if role == Role.HOLDER and transfer.to_user_id == user.pk:
        return ""
    return _("Bare mottakeren kan svare på overføringen.")


def can_decide_transfer(user: RequestUser, role: Role | None, transfer: Transfer) -> bool:
    """The recipient accepts or passes on a pending transfer (R-TRAN-04)."""
    return transfer.is_pending and not decide_refusal(user, role, transfer)


def can_see_sensitive_details(role: Role | None) -> bool:
    """Guardians, consent, national ID and history: holder and guardian, not actors."""
    return role in (Role.HOLDER, Role.GUARDIAN)


def can_see_access_log(user: RequestUser, role: Role | None, log: Log) -> bool:
    """Who has opened the log: its holder and the child's guardians (R-SEC-01)."""
    return holds(user, role, log) or role == Role.GUARDIAN
