"""What other apps hook into when an activation token is used.

A token may carry a guardian (ActivationToken.guardian): what using it means for the
child's log belongs to logs, which connects its receivers in logs.apps.LogsConfig.ready.
That way accounts imports nothing of logs. Both signals are sent inside the transaction of
the change, so an error in a receiver undoes the whole change.
"""

from django.dispatch import Signal

# Sent by accounts.services.activate once the person has a password: token, user.
activated = Signal()

# Sent by accounts.services.confirm_invitation when a person who already has a login
# confirms an invitation, logged in: token, by, request.
invitation_confirmed = Signal()

# Sent by accounts.views.login_view for the ways in other than the password form (oidc
# connects a receiver that answers with its providers): request. Each receiver returns a list
# of {"url": ..., "label": ..., "primary": bool}, shown above the password form.
login_options = Signal()
