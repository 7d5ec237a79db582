from django import forms

from notifications.models import NotificationPreferences


class NotificationPreferencesForm(forms.ModelForm):
    """«Varsler på e-post» on the Settings page: the optional kinds (R-NOTIFY-01)."""

    class Meta:
        model = NotificationPreferences
        fields = ["glimpse", "measure_actor", "deadline", "consent_expiry"]
