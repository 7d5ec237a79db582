from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import (
    ResetOrActivatePasswordForm,
    RevokingPasswordChangeForm,
    RevokingSetPasswordForm,
)

app_name = "accounts"

urlpatterns = [
    path("logg-inn/", views.login_view, name="login"),
    path("logg-inn/kode/", views.login_verify, name="login_verify"),
    path("logg-ut/", views.logout_view, name="logout"),
    path("innstillinger/", views.settings_view, name="settings"),
    path("tofaktor/", views.totp_setup, name="totp_setup"),
    path("okt/", views.session_status, name="session_status"),
    path("okt/forleng/", views.keepalive, name="keepalive"),
    path("aktiver/", views.activate_code, name="activate_code"),
    path("aktiver/<str:token>/", views.activate_link, name="activate"),
    path(
        "passord/",
        auth_views.PasswordChangeView.as_view(
            form_class=RevokingPasswordChangeForm,
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "passord/endret/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "glemt-passord/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetOrActivatePasswordForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "glemt-passord/sendt/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "nytt-passord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=RevokingSetPasswordForm,
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "nytt-passord/ferdig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
