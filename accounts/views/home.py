from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.selectors import business_invitations_for_user, business_memberships_for_user


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
        },
    )
