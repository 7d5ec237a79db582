"""How a page gets a log, or anything in a log: visible, or a 404; changeable, or a 403.

Every view that shows or changes a log-scoped object fetches it here, starting from a
visibility query (`logs.queries`, or `meetings.queries` for meetings): what the person cannot
see in their active role is a 404 that reveals nothing (R-ROLE-07); what they see but may
not change is a 403 whose message is the rule's own words (`read_only_reason` in
`logs.rules`, `meetings.rules`). Apps built on logs pass their own query and reason to
`fetch`; logs never imports them.

A page that shows a log's data also records the read here (R-SEC-01).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from common.compiled import CompiledObjects
from common.errors import require_editable
from logs import rules, services
from logs.models import Concern, Consent, Glimpse, Guardian, Log, Measure, Transfer
from logs.queries import (
    concerns_visible_to,
    consents_visible_to,
    glimpses_visible_to,
    guardians_visible_to,
    incoming_transfers_for,
    logs_visible_to,
    measures_visible_to,
    transfers_visible_to,
)
from organisations.enums import Role
from organisations.queries import active_role

M = TypeVar("M", bound=Model)
if TYPE_CHECKING:
    from typing import TypeAlias

    # A visibility query: the person and their active role → what they may see.
    VisibleTo: TypeAlias = Callable[[Any, Role | None], QuerySet[M]]
    # Why the person may not change the object now, in words for them; "" if they may.
    ReadOnlyReason: TypeAlias = Callable[[Any, Role | None, M], str]


def fetch(
    request: AuthenticatedHttpRequest,
    visible_to: VisibleTo[M],
    pk: int,
    *,
    select: Sequence[str] = (),
    roles: Collection[Role] | None = None,
    read_only_reason: ReadOnlyReason[M] | None = None,
) -> M:
    """The object `pk` among those `visible_to` the person in their active role, else a 404.

    `roles` limits the page to those roles: in any other, a 404 too, before any query.
    With `read_only_reason`, an object the person sees but may not change is a 403.
    """
    role = active_role(request)
    if roles is not None and role not in roles:
        raise Http404
    queryset = visible_to(request.user, role)
    if select:
        queryset = queryset.select_related(*select)
    obj = get_object_or_404(queryset, pk=pk)
    if read_only_reason is not None:
        require_editable(read_only_reason(request.user, role, obj))
    return obj


def _log_reason(user: Any, role: Role | None, log: Log) -> str:
    return rules.read_only_reason(user, role, log)


def _reason_of_log(log_of: Callable[[M], Log]) -> ReadOnlyReason[M]:
    """The log's read-only reason, for an object in the log."""

    def reason(user: Any, role: Role | None, obj: M) -> str:
        return rules.read_only_reason(user, role, log_of(obj))

    return reason


def fetch_log(request: AuthenticatedHttpRequest, pk: int, *, for_edit: bool = False) -> Log:
    """The log, if the person may see it in their active role; 404 otherwise (R-ROLE-07),
    with its child, unit, municipality and holder.

    With `for_edit`, a log they may see but not change is a 403 that says why.
    """
    role = active_role(request)
    found = _VISIBLE_LOG.get(role, request.user.pk, pk)
    if not found:
        raise Http404
    log: Log = found[0]
    if for_edit:
        require_editable(_log_reason(request.user, role, log))
    return log


def _visible_log(role: Role | None, user_id: int, pk: int) -> QuerySet[Log]:
    return logs_visible_to(User(pk=user_id), role).filter(pk=pk)


# Every page of a log starts here: compiled once (common.compiled), as the log page is the
# page people open most (issue 9).
_VISIBLE_LOG = CompiledObjects(
    Log, _visible_log, related=("child", "unit", "unit__municipality", "holder")
)


def fetch_concern(
    request: AuthenticatedHttpRequest, pk: int, *, while_open: bool = False
) -> Concern:
    """A concern to work on: visible (404), in a log the person may change (403); with
    `while_open`, the concern itself still open (403, R-CONC-02)."""
    reason = rules.concern_read_only_reason if while_open else _reason_of_log(_concern_log)
    return fetch(
        request,
        concerns_visible_to,
        pk,
        select=("log__unit", "log__child", "category"),
        read_only_reason=reason,
    )


def _concern_log(concern: Concern) -> Log:
    return concern.log


def _measure_log(measure: Measure) -> Log:
    return measure.concern.log


MEASURE_PAGE = (
    "concern__log__unit",
    "concern__log__child",
    "concern__category",
    "category",
    "evaluation__evaluated_by",
)


def fetch_measure(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    for_edit: bool = True,
    while_open: bool = False,
    select: Sequence[str] = MEASURE_PAGE,
) -> Measure:
    """A measure: visible (404); with `for_edit`, in a log the person may change (403);
    with `while_open`, not evaluated yet either (403, R-MEAS-03)."""
    reason: ReadOnlyReason[Measure] | None = None
    if while_open:
        reason = rules.measure_read_only_reason
    elif for_edit:
        reason = _reason_of_log(_measure_log)
    return fetch(request, measures_visible_to, pk, select=select, read_only_reason=reason)


def fetch_guardian(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    select: Sequence[str] = ("log__child",),
    roles: Collection[Role] | None = None,
) -> Guardian:
    """A guardian record to change: visible (404), in a log the person may change (403)."""
    return fetch(
        request,
        guardians_visible_to,
        pk,
        select=select,
        roles=roles,
        read_only_reason=_reason_of_log(_guardian_log),
    )


def _guardian_log(guardian: Guardian) -> Log:
    return guardian.log


def fetch_consent(request: AuthenticatedHttpRequest, pk: int) -> Consent:
    """A consent the person may see (holder and guardians, R-LOG-02); 404 otherwise."""
    return fetch(request, consents_visible_to, pk)


def fetch_glimpse(request: AuthenticatedHttpRequest, pk: int) -> Glimpse:
    """A glimpse the person may see, with its log; whether they may publish it is the
    service's rule (R-GLIM-01)."""
    return fetch(request, glimpses_visible_to, pk, select=("log",))


def fetch_transfer(request: AuthenticatedHttpRequest, pk: int) -> Transfer:
    """A transfer in the chain of holders the person may see (R-TRAN-05), with its log."""
    return fetch(request, transfers_visible_to, pk, select=("log",))


def fetch_incoming_transfer(request: AuthenticatedHttpRequest, pk: int) -> Transfer:
    """A transfer sent to this person, working as holder, decided or not; anyone else gets
    a 404 (R-TRAN-04)."""
    return fetch(request, incoming_transfers_for, pk, roles=(Role.HOLDER,))


def record_read(request: AuthenticatedHttpRequest, log: Log, about: Model | None = None) -> None:
    """A page about to show `log`'s data records that it was read, naming itself (R-SEC-01).

    Called just before rendering, so a form shown again after an error counts too.
    """
    services.record_log_view(
        log, by=request.user, page=request.resolver_match.view_name, about=about
    )
