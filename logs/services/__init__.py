"""Every change of a log goes through here: the rule is checked, the change made, the log's
history and the audit trail written (_common.record_change), all in one transaction.

Rules that concern who may change what raise ReadOnlyError (a 403 with a message);
rules about the data raise ValidationError, keyed by form field where there is one.

One module per topic; the names below are the public ones, so callers write
`from logs.services import create_log` whatever module it lives in.
"""

from logs.services._common import check_version, lock, record_change, require_holder, revise
from logs.services.concerns import (
    add_measure,
    close_concern,
    create_concern,
    evaluate_measure,
    extend_deadline,
    mark_deadline_passed,
    update_concern,
    update_measure,
)
from logs.services.consents import record_consent_download, upload_consent
from logs.services.glimpses import create_glimpse, publish_glimpse
from logs.services.guardians import (
    add_guardian,
    confirm_guardianship,
    invite_guardian,
    issue_guardian_letter,
    link_guardian_login,
    print_guardian_letter,
    remove_guardian,
    update_guardian,
)
from logs.services.id_logins import GuardianConflict, link_guardians_by_national_id
from logs.services.logs import create_log, set_level, set_log_passive, update_child
from logs.services.reads import READ_ACTIONS, record_log_view, record_log_views, record_read
from logs.services.transfers import (
    accept_transfer,
    forward_transfer,
    hand_over_logs,
    transfer_log,
    withdraw_transfer,
)

__all__ = [
    "READ_ACTIONS",
    "GuardianConflict",
    "accept_transfer",
    "add_guardian",
    "add_measure",
    "check_version",
    "close_concern",
    "confirm_guardianship",
    "create_concern",
    "create_glimpse",
    "create_log",
    "evaluate_measure",
    "extend_deadline",
    "forward_transfer",
    "hand_over_logs",
    "invite_guardian",
    "issue_guardian_letter",
    "link_guardian_login",
    "link_guardians_by_national_id",
    "lock",
    "mark_deadline_passed",
    "print_guardian_letter",
    "publish_glimpse",
    "record_change",
    "record_consent_download",
    "record_log_view",
    "record_log_views",
    "record_read",
    "remove_guardian",
    "require_holder",
    "revise",
    "set_level",
    "set_log_passive",
    "transfer_log",
    "update_child",
    "update_concern",
    "update_guardian",
    "update_measure",
    "upload_consent",
    "withdraw_transfer",
]
