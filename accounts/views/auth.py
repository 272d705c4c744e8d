"""Sign-up, sign-in, sign-out, password reset and the second factor."""

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.forms import LoginForm, SignUpForm, TokenForm
from accounts.services.registration import person_register
from accounts.services.second_factor import (
    second_factor_confirm_device,
    second_factor_record_failure,
    second_factor_verified,
)


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@sensitive_post_parameters("password1", "password2", "id_number")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = person_register(
                email=data["email"],
                mobile=data["mobile"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                preferred_language=get_language() or "",
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            login(request, user, backend="accounts.backends.EmailOrMobileBackend")
            messages.success(
                request,
                _(
                    "Your account is ready. Your identity was checked against the "
                    "population registry."
                ),
            )
            return redirect("accounts:home")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app. Only for a signed-in user who has no confirmed device yet:
    anyone who already has one must verify with it instead."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    if any(True for _ in devices_for_user(user, confirmed=True)):
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            backup_codes = second_factor_confirm_device(user=user, device=device)
            otp_login(request, device)
            return render(
                request,
                "accounts/otp_backup_codes.html",
                {
                    "backup_codes": backup_codes,
                    "next": _safe_next(request, reverse_lazy("accounts:home")),
                },
            )
        second_factor_record_failure(user=user, stage="setup")
        form.add_error(
            "token",
            _(
                "That code is not right. Check the time on your phone and "
                "enter the code that is shown now."
            ),
        )
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": _grouped_secret(device),
            "next": request.GET.get("next", ""),
        },
    )


def _grouped_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        for device in devices:
            if device.verify_is_allowed()[0] and device.verify_token(token):
                otp_login(request, device)
                second_factor_verified(user=user, device=device)
                return redirect(_safe_next(request, reverse_lazy("accounts:home")))
        second_factor_record_failure(user=user, stage="verify")
        form.add_error(
            "token",
            _(
                "That code is not right, or too many codes were tried. Wait "
                "for a new code and try again."
            ),
        )
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
