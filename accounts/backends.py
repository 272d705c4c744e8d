from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from accounts.models import OfficialPosition


class EmailOrMobileBackend(ModelBackend):
    """Signs in with an email address or a mainland mobile number and the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not (username or "").strip() or password is None:
            return None
        user_model = get_user_model()
        try:
            user = user_model.objects.get_by_login(username)
        except user_model.DoesNotExist:
            # Spend the same time as a real check, so timing does not reveal which accounts exist.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with what nearly every page asks of them read in the
        same statement: their person profile (the applicant's pages) and whether they hold an
        active position (the second-factor check, ``User.requires_second_factor``)."""
        user_model = get_user_model()
        positions = OfficialPosition.objects.filter(user=OuterRef("pk"), is_active=True)
        user = (
            user_model._default_manager.select_related("person")
            .annotate(_has_positions=Exists(positions))
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
