"""Sign-up, sign-in, sign-out, password reset and the second factor."""

import logging
from base64 import b32encode
from urllib.parse import urlencode, urlsplit

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.forms import CodeSignInForm, LoginForm, SignUpForm, TokenForm, UnlockRequestForm
from accounts.models import User
from accounts.services.password_reset import password_reset_completed
from accounts.services.registration import person_activate, person_register, sign_up_tokens
from accounts.services.second_factor import (
    second_factor_confirm_device,
    second_factor_record_failure,
    second_factor_verified,
)
from accounts.services.sign_in_recovery import (
    sign_in_pause_passed_with_second_factor,
    sign_in_unlock,
    sign_in_unlock_link_send,
    unlock_link_user,
)
from portal.ratelimit import RateLimit
from portal.request_context import client_ip

logger = logging.getLogger("portal.accounts")


def safe_next(request, default: str) -> str:
    """The ``next`` address the request carries, when it points to this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page that django-axes answers while an account and address are locked out
    (``AXES_LOCKOUT_CALLABLE``), with what was typed kept."""
    cool_off = get_cool_off(request)
    form = LoginForm(
        request, data=None, initial={"username": lockout.typed_identifier(credentials)}
    )
    context = {
        "form": form,
        "locked_out": True,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "next": safe_next(request, ""),
    }
    return render(request, "accounts/login.html", context, status=429)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.method == "GET":
            target = self.get_redirect_url()
            if target and _is_admin_url(target) and not request.user.is_staff:
                # The admin sends signed-in users who may not use it here; say so, instead of
                # bouncing back to the admin for ever.
                return render(request, self.template_name, {"not_permitted": True}, status=403)
            return redirect(target or settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # Failures from many addresses slow the account down for everyone but a browser that
        # signed in to it before; the password is not even checked while the wait lasts.
        key = lockout.canonical_login_identifier(request, request.POST)
        if (
            key
            and not lockout.is_known_browser(request, key)
            # A pause for this address (django-axes) speaks for itself.
            and not AxesProxyHandler.is_locked(request, credentials=request.POST)
        ):
            wait = lockout.slow_down_remaining(key)
            if wait:
                form = self.get_form_class()(
                    request, initial={"username": lockout.typed_identifier(request.POST)}
                )
                context = self.get_context_data(form=form, slow_down_seconds=wait)
                return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return _remember_browser(super().form_valid(form), form.get_user())


def _remember_browser(response, user):
    """Mark this browser as one the account signed in from (it skips the account's slow-down)."""
    response.set_cookie(
        lockout.KNOWN_BROWSER_COOKIE,
        lockout.known_browser_value(user),
        max_age=lockout.KNOWN_BROWSER_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _is_admin_url(url: str) -> bool:
    return urlsplit(url).path.startswith(reverse("admin:index"))


class LogoutView(auth_views.LogoutView):
    """Sign out; POST only (Django's view refuses GET), so a link on another site cannot."""


# Sign-up and password reset tell a stranger nothing about who is registered, and each client
# address has a limited number of tries, so that they cannot be used to test lists of numbers.
SIGN_UP_LIMIT = RateLimit("signup", limit=10, period=60 * 60)
PASSWORD_RESET_LIMIT = RateLimit("password_reset", limit=5, period=60 * 60)
# The owner's ways past a sign-in pause, limited per address like the reset.
CODE_SIGN_IN_LIMIT = RateLimit("code_sign_in", limit=10, period=15 * 60)
UNLOCK_REQUEST_LIMIT = RateLimit("unlock_request", limit=5, period=60 * 60)


def _rate_limited(request, limit: RateLimit, template: str, context: dict):
    """Count this try against the client's address; the refusal page, or None while allowed."""
    ip = client_ip(request) or "unknown"
    if limit.hit(ip):
        return None
    logger.warning("%s refused: rate limit reached ip=%s", limit.scope, ip)
    context = {**context, "rate_limited": True}
    return render(request, template, context, status=429)


@sensitive_post_parameters("password1", "password2", "id_number")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        refused = _rate_limited(request, SIGN_UP_LIMIT, "accounts/signup.html", {"form": form})
        if refused is not None:
            return refused
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person_register(
                email=data["email"],
                mobile=data["mobile"],
                password=data["password1"],
                real_name=data["real_name"],
                id_number=data["id_number"],
                id_type=data["id_type"],
                preferred_language=get_language() or "",
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            # The same page whether an account was created or the details were already in use
            # (the owner is told by email and SMS then).
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET"])
def signup_sent(request):
    return render(request, "accounts/signup_sent.html")


@never_cache
@require_http_methods(["GET"])
def signup_confirm(request, uidb64, token):
    """The link from the sign-up email: activates the account and signs the person in."""
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    if user is None or user.is_active or not sign_up_tokens.check_token(user, token):
        return render(request, "accounts/signup_confirm_invalid.html", status=400)
    person_activate(user=user)
    login(request, user, backend="accounts.backends.EmailOrMobileBackend")
    messages.success(
        request,
        _("Your account is ready. Your identity was checked against the population registry."),
    )
    return redirect("accounts:home")


def _has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _second_factor_gate(request):
    """Where to send a request that should not see the two-factor pages, or None."""
    if not request.user.is_authenticated:
        return redirect(_with_next(resolve_url(settings.LOGIN_URL), request.get_full_path()))
    if not request.user.requires_second_factor:
        # Citizens sign in with their password alone; these pages are not for them.
        return redirect(safe_next(request, reverse("accounts:home")))
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app. Only for a signed-in user who has no confirmed device yet:
    anyone who already has one must verify with it instead, so that a stolen password alone
    cannot enrol a new device."""
    if (gate := _second_factor_gate(request)) is not None:
        return gate
    user = request.user
    next_url = safe_next(request, "")
    if _has_confirmed_device(user):
        return redirect(_with_next(reverse("accounts:otp_verify"), next_url))
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
                {"backup_codes": backup_codes, "next": next_url or reverse("accounts:home")},
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
        {"form": form, "qr_svg": qr_svg, "secret": _grouped_secret(device), "next": next_url},
    )


def _grouped_secret(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _token_fits(device, token: str) -> bool:
    """Send six-digit codes to the authenticator and anything else to the backup codes, so that a
    backup code does not count as a failed authenticator attempt (which would slow the next one)."""
    looks_like_totp = token.isdigit() and len(token) == getattr(device, "digits", 6)
    return looks_like_totp == isinstance(device, TOTPDevice)


def _device_accepting(devices, token: str):
    """The device among ``devices`` that accepts ``token`` now (and counts it used), or None."""
    for device in devices:
        if not _token_fits(device, token):
            continue
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    if (gate := _second_factor_gate(request)) is not None:
        return gate
    user = request.user
    next_url = safe_next(request, "")
    if user.is_verified():
        return redirect(next_url or reverse("accounts:home"))
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return redirect(_with_next(reverse("accounts:otp_setup"), next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _device_accepting(devices, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            second_factor_verified(user=user, device=device)
            return redirect(next_url or reverse("accounts:home"))
        second_factor_record_failure(user=user, stage="verify")
        form.add_error(
            "token",
            _(
                "That code is not right, or too many codes were tried. Wait "
                "for a new code and try again."
            ),
        )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


class PasswordResetView(auth_views.PasswordResetView):
    """Sends the link in the language the page is shown in. The same "check your email" page
    follows whether or not an account has the address, and nothing is sent when none has.
    Each client address may ask a limited number of times."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        refused = _rate_limited(
            request,
            PASSWORD_RESET_LIMIT,
            self.template_name,
            self.get_context_data(form=self.get_form()),
        )
        return refused or super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- The owner's ways past a sign-in pause (accounts/services/sign_in_recovery.py) --------------


def _account_with_password(identifier: str, password: str) -> User | None:
    """The active account ``identifier`` names, if ``password`` is its password; else None. The
    password is hashed either way, so that the time taken does not tell whether it exists."""
    try:
        user = User.objects.get_by_login(identifier) if identifier.strip() else None
    except User.DoesNotExist:
        user = None
    if user is None:
        User().set_password(password)
        return None
    return user if user.check_password(password) and user.is_active else None


@never_cache
@sensitive_post_parameters("password", "token")
@require_http_methods(["GET", "POST"])
def login_with_code(request):
    """Sign in with the password and a code of the account's authenticator, whether or not sign-in
    is paused or slowed down for the account: the pause stops guessing, and nobody guesses both.
    Every failure looks the same and counts as a failed sign-in."""
    form = CodeSignInForm(request.POST or None)
    if request.method == "POST":
        refused = _rate_limited(
            request, CODE_SIGN_IN_LIMIT, "accounts/login_code.html", {"form": form}
        )
        if refused is not None:
            return refused
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["username"]
        user = _account_with_password(identifier, form.cleaned_data["password"])
        device = None
        if user is not None:
            device = _device_accepting(
                list(devices_for_user(user, confirmed=True)), form.cleaned_data["token"]
            )
        if device is not None:
            sign_in_pause_passed_with_second_factor(user=user, device=device)
            login(request, user, backend="accounts.backends.EmailOrMobileBackend")
            otp_login(request, device)
            return _remember_browser(
                redirect(safe_next(request, settings.LOGIN_REDIRECT_URL)), user
            )
        user_login_failed.send(
            sender=__name__, credentials={"username": identifier}, request=request
        )
        form.data = form.data.copy()
        form.data["token"] = ""  # a code is tried once: a new one is needed
        form.add_error(
            None,
            _(
                "The email address or mobile number, the password or the code is not right. "
                "Check them, wait for a new code, and try again."
            ),
        )
    return render(
        request, "accounts/login_code.html", {"form": form, "next": safe_next(request, "")}
    )


@sensitive_post_parameters("username")
@require_http_methods(["GET", "POST"])
def unlock_request(request):
    """Ask for a link that opens sign-in again. The same answer whether or not an account has the
    identifier; the link goes to the account's own email address and mobile number."""
    form = UnlockRequestForm(request.POST or None)
    if request.method == "POST":
        refused = _rate_limited(
            request, UNLOCK_REQUEST_LIMIT, "accounts/unlock_request.html", {"form": form}
        )
        if refused is not None:
            return refused
        if form.is_valid():
            sign_in_unlock_link_send(identifier=form.cleaned_data["username"])
            return redirect("accounts:unlock_sent")
    return render(request, "accounts/unlock_request.html", {"form": form})


@require_http_methods(["GET"])
def unlock_sent(request):
    return render(request, "accounts/unlock_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def unlock_confirm(request, uidb64, token):
    """The link from the message: a button (so that a mail scanner that opens links does not use
    it up), which lifts the pause once."""
    if request.method == "POST":
        user = sign_in_unlock(uidb64=uidb64, token=token)
        state = "done" if user is not None else "invalid"
    else:
        state = "ready" if unlock_link_user(uidb64, token) is not None else "invalid"
    return render(
        request,
        "accounts/unlock_confirm.html",
        {"state": state},
        status=400 if state == "invalid" else 200,
    )
