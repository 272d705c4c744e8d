from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


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
