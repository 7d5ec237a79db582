"""Pure predicates on what a person may do; views and templates use the same ones.

They assume the object was fetched through logs.queries (so it is visible); they answer
whether the person may also change it.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import PlausibleRange
from logs.enums import LogKind, LogStatus
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


def birth_date_range(kind: str) -> PlausibleRange:
    """The birth dates a log of this kind accepts: a child's, or an expectant mother's."""
    return MOTHER_BIRTH_DATE if kind == LogKind.PREGNANCY else BIRTH_DATE


def can_edit_log(user, role, log) -> bool:
    """Only the holder, working as holder, on an active log (R-ROLE-04, R-TRAN-03, R-LOG-06)."""
    return role == Role.HOLDER and log.holder_id == user.pk and log.status == LogStatus.ACTIVE


def can_edit_concern(user, role, concern) -> bool:
    return can_edit_log(user, role, concern.log) and concern.is_open


def can_edit_measure(user, role, measure) -> bool:
    return can_edit_concern(user, role, measure.concern) and measure.is_open


def can_add_glimpse(user, role, log) -> bool:
    """Holder, actors and guardians of an active log (R-GLIM-01)."""
    return log.status == LogStatus.ACTIVE and role in (Role.HOLDER, Role.ACTOR, Role.GUARDIAN)


def can_publish_glimpse(user, role, glimpse) -> bool:
    if glimpse.is_published or glimpse.log.status != LogStatus.ACTIVE:
        return False
    return can_edit_log(user, role, glimpse.log) or glimpse.author_id == user.pk


def can_transfer_log(user, role, log) -> bool:
    """The holder hands an active log over (R-TRAN-01); pending or passive logs cannot be."""
    return can_edit_log(user, role, log)


def can_withdraw_transfer(user, role, transfer) -> bool:
    """The holder who still holds the log takes a pending transfer back."""
    return role == Role.HOLDER and transfer.is_pending and transfer.log.holder_id == user.pk


def can_decide_transfer(user, role, transfer) -> bool:
    """The recipient accepts or passes on a pending transfer (R-TRAN-04)."""
    return role == Role.HOLDER and transfer.is_pending and transfer.to_user_id == user.pk


def can_see_sensitive_details(role) -> bool:
    """Guardians, consent, national ID and history: holder and guardian, not actors."""
    return role in (Role.HOLDER, Role.GUARDIAN)


def can_see_access_log(user, role, log) -> bool:
    """Who has opened the log: its holder and the child's guardians (R-SEC-01)."""
    return (role == Role.HOLDER and log.holder_id == user.pk) or role == Role.GUARDIAN


def read_only_reason(user, role, log) -> str:
    """Why the person cannot change the log now, in words for them; "" if they can."""
    if log.status == LogStatus.PASSIVE:
        return _("Loggen er passiv og kan ikke endres.")
    if log.status == LogStatus.TRANSFER_PENDING:
        return _("Loggen venter på overføring og kan ikke endres så lenge.")
    if not (role == Role.HOLDER and log.holder_id == user.pk):
        return _("Bare stafettholderen kan endre denne loggen.")
    return ""
