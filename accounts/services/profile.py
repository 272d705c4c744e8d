"""The user's own settings: the language the portal speaks to them in."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit.chain import audit_record


@transaction.atomic
def user_set_preferred_language(*, actor: User, language: str) -> User:
    """Set the language of the actor's pages, emails and text messages (their own setting only)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError(_("Choose one of the languages offered."))
    user = User.objects.select_for_update().get(pk=actor.pk)
    before = user.preferred_language
    if before != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit_record(
            action="account.language_changed",
            actor=user,
            obj=user,
            changes={"preferred_language": [before, language]},
        )
    actor.preferred_language = language
    return user
