from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import BusinessMembership, MembershipStatus


@login_required
def home(request):
    user = request.user
    memberships = (
        BusinessMembership.objects.filter(user=user)
        .exclude(status=MembershipStatus.REMOVED)
        .select_related("business")
        .order_by("business__name")
    )
    positions = user.positions.filter(is_active=True).select_related("department")
    return render(
        request,
        "accounts/home.html",
        {
            "person": getattr(user, "person", None),
            "memberships": memberships,
            "positions": positions,
        },
    )
