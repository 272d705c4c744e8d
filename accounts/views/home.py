from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.forms import LanguagePreferenceForm
from accounts.selectors import business_invitations_for_user, business_memberships_for_user
from accounts.services.profile import user_set_preferred_language


@login_required
def home(request):
    user = request.user
    memberships = business_memberships_for_user(user)
    invitations = business_invitations_for_user(user)
    positions = user.positions.filter(is_active=True).select_related("department")
    return render(
        request,
        "accounts/home.html",
        {
            "person": getattr(user, "person", None),
            "memberships": memberships,
            "invitations": invitations,
            "positions": positions,
            "language_form": LanguagePreferenceForm(
                initial={"language": user.preferred_language or translation.get_language()}
            ),
        },
    )


@login_required
@require_POST
def language(request):
    """The user's language: their pages from now on (the cookie) and their emails and SMS."""
    form = LanguagePreferenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages offered."))
        return redirect("accounts:home")
    code = form.cleaned_data["language"]
    user_set_preferred_language(actor=request.user, language=code)
    translation.activate(code)
    messages.success(request, _("Your language is saved."))
    response = redirect("accounts:home")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@require_POST
def header_language(request):
    """The language switch in every page's header: Django's ``set_language`` (the cookie, back
    to the page), and for a signed-in user their saved language too, so that their emails and
    text messages follow the language they chose where they chose it."""
    response = set_language(request)
    code = request.POST.get("language")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        user_set_preferred_language(actor=request.user, language=code)
    return response
