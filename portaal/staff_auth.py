"""Staff sign-in: the login form's limits and the two-factor pages (django-two-factor-auth).

With ``TWO_FACTOR_VERPLICHT`` on, the admin's login page runs ``StaffLoginView`` (password,
then a code from the app or a backup code); a staff member without a device is sent through
``StaffSetupView`` (QR code, a code to confirm) and then makes backup codes.
"""
import unicodedata

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from two_factor.utils import default_device
from two_factor.views import (
    BackupTokensView,
    LoginView,
    QRGeneratorView,
    SetupCompleteView,
    SetupView,
)

from .text import TextAnswersMixin

# Far above any real password, far below what makes hashing or logging a burden.
PASSWORD_MAX_LENGTH = 1024

# django-otp has no Dutch translation: its messages are given here, each saying what to do.
OTP_ERROR_MESSAGES = {
    "token_required": _("Typ de code van zes cijfers uit uw authenticator-app."),
    "challenge_exception": _("De code kon niet worden aangemaakt. Probeer het opnieuw."),
    "not_interactive": _("Dit toestel stuurt geen code. Gebruik de code uit uw app."),
    "challenge_message": _("{0}"),
    "invalid_token": _("Deze code klopt niet. Typ de code die de app nu toont (een code "
                       "blijft 30 seconden geldig) of gebruik een back-upcode."),
    "n_failed_attempts": ngettext_lazy(
        "Na %(failure_count)d foute code kunt u het even niet opnieuw proberen. "
        "Wacht enkele seconden en typ dan de nieuwe code.",
        "Na %(failure_count)d foute codes kunt u het even niet opnieuw proberen. "
        "Wacht enkele seconden en typ dan de nieuwe code.",
        "failure_count"),
    "verification_not_allowed": _("Codes controleren kan nu even niet. Probeer het over "
                                  "enkele minuten opnieuw."),
    "device_required": _("Kies een toestel."),
}
SETUP_INVALID_TOKEN = _("Deze code klopt niet. Typ de zes cijfers die de app nu toont, "
                        "zonder spaties; een code blijft 30 seconden geldig.")
FIELD_LABELS = {
    "token": _("Code uit de app"),
    "otp_token": _("Code uit de app"),
    "remember": _("Dit toestel onthouden"),
}
BACKUP_LABEL = _("Back-upcode")


def two_factor_required() -> bool:
    """Whether every staff login needs a second factor (on in production)."""
    return bool(getattr(settings, "TWO_FACTOR_VERPLICHT", False))


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


class StaffLoginForm(TextAnswersMixin, AdminAuthenticationForm):
    """The staff login: absurd input is refused before anyone tries to authenticate it.

    Authenticating a failed login makes django-axes store the username
    (``AccessAttempt.username``, 255 characters): a longer one was a database error.
    """

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "username_too_long": _("Een gebruikersnaam telt hoogstens %(max)d tekens. "
                               "Controleer wat u typte en probeer opnieuw."),
        "username_control": _("De gebruikersnaam bevat onzichtbare tekens. Typ hem "
                              "opnieuw, zonder te plakken."),
        "password_too_long": _("Een wachtwoord telt hoogstens %(max)d tekens. Controleer "
                               "wat u typte en probeer opnieuw."),
    }

    def clean_username(self):
        username = self.cleaned_data["username"]
        model = get_user_model()
        max_length = model._meta.get_field(model.USERNAME_FIELD).max_length
        if len(username) > max_length:
            raise forms.ValidationError(self.error_messages["username_too_long"],
                                        code="username_too_long", params={"max": max_length})
        if has_control_characters(username):
            raise forms.ValidationError(self.error_messages["username_control"],
                                        code="username_control")
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        if len(password) > PASSWORD_MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["password_too_long"],
                                        code="password_too_long",
                                        params={"max": PASSWORD_MAX_LENGTH})
        return password


def _dutch_form(form, *, backup: bool = False):
    for name, field in form.fields.items():
        if name in FIELD_LABELS:
            field.label = BACKUP_LABEL if backup and name == "otp_token" else FIELD_LABELS[name]
    if hasattr(form, "otp_error_messages"):
        form.otp_error_messages = OTP_ERROR_MESSAGES
    if "invalid_token" in getattr(form, "error_messages", {}):
        form.error_messages = {**form.error_messages, "invalid_token": SETUP_INVALID_TOKEN}
    if "token" in form.fields:
        form.fields["token"].widget.attrs.update(autocomplete="one-time-code",
                                                 inputmode="numeric", autofocus=True)
    return form


class AdminPageMixin:
    """The staff site's header and look on the two-factor pages."""

    title = ""

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        return {**admin.site.each_context(self.request), "title": self.title, **context}


class StaffLoginView(AdminPageMixin, LoginView):
    """Password first (``StaffLoginForm``, so django-axes still locks out), then a code."""

    title = _("Aanmelden")
    form_list = (
        (LoginView.AUTH_STEP, StaffLoginForm),
        *LoginView.form_list[1:],
    )

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        return _dutch_form(form, backup=(step or self.steps.current) == self.BACKUP_STEP)

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        user = self.request.user
        if two_factor_required() and not getattr(user, "otp_device", None) \
                and not default_device(user):
            # Signed in with the password only: enrolment comes before any staff page.
            return redirect(setup_url(self.get_success_url()))
        return response


def setup_url(next_url: str = "") -> str:
    url = reverse("two_factor:setup")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class StaffSetupView(AdminPageMixin, SetupView):
    """Enrolment: a short explanation, the QR code and a code to confirm it."""

    title = _("Tweestapsverificatie instellen")

    def get_form(self, step=None, **kwargs):
        return _dutch_form(super().get_form(step=step, **kwargs))

    def get_success_url(self):
        # Backup codes come next, whatever page the staff member was heading for.
        next_url = self.get_redirect_url()
        if next_url:
            self.request.session["two_factor_next"] = next_url
        return reverse(self.success_url)


class StaffSetupCompleteView(AdminPageMixin, SetupCompleteView):
    title = _("Tweestapsverificatie staat aan")

    def get(self, request, *args, **kwargs):
        # Not straight on to `next`: the backup codes are made on this page first.
        return super(SetupCompleteView, self).get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next_url": _next_after_setup(self.request)}


class StaffBackupTokensView(AdminPageMixin, BackupTokensView):
    title = _("Back-upcodes")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next_url": _next_after_setup(self.request)}


def _next_after_setup(request) -> str:
    return request.session.get("two_factor_next") or reverse("admin:index")


class StaffQRGeneratorView(QRGeneratorView):
    """The QR code as SVG, drawn by the portal itself (qrcode); no outside service."""
