"""``manage.py seed_demo --password PW``: the demo city's departments, officials, citizens and
businesses (data in ``demo/accounts.py``), its service catalogue and, unless
``--no-applications``, its demo applications (``demo/applications.py``). Running it again
changes nothing."""

import os
import unicodedata
from collections import Counter

from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.identifiers import normalize_mobile
from accounts.models import (
    Business,
    BusinessMembership,
    Department,
    LegalPersonRecord,
    LegalPersonStatus,
    MembershipRole,
    MembershipStatus,
    OfficialPosition,
    OfficialRole,
    PersonProfile,
    PopulationRecord,
    User,
)
from audit.chain import audit_record
from demo import accounts as demo_data
from demo.applications import SeededCase, seed_applications
from demo.catalogue import seed_catalogue, seed_themes
from demo.theme_cases import seed_theme_cases


class DemoSeeder:
    """Creates or corrects each demo row, keyed on its stable identifier, and counts what it did."""

    def __init__(self, *, password: str, reset_passwords: bool):
        self.password = password
        self.reset_passwords = reset_passwords
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.departments: dict[str, Department] = {}
        self.users: dict[str, User] = {}

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated)

    def upsert(
        self,
        model: type[models.Model],
        *,
        lookup: dict,
        values: dict,
        on_create: dict | None = None,
        queryset: models.QuerySet | None = None,
    ) -> models.Model:
        """The row matching ``lookup``, created with ``values`` (and ``on_create``), or brought
        back to ``values`` when someone changed it. Saves only what differs."""
        queryset = model._default_manager.all() if queryset is None else queryset
        obj = queryset.filter(**lookup).first()
        label = model._meta.label_lower
        if obj is None:
            obj = model(**lookup, **values, **(on_create or {}))
            obj.full_clean()
            obj.save()
            self.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.full_clean()
            obj.save(update_fields=changed)
            self.updated[label] += 1
        return obj

    def seed(self) -> None:
        self.seed_departments()
        self.seed_registries()
        self.seed_administrator()
        self.seed_officials()
        self.seed_citizens()
        self.seed_businesses()

    def seed_departments(self) -> None:
        for spec in demo_data.DEPARTMENTS:
            self.departments[spec.code] = self.upsert(
                Department,
                lookup={"code": spec.code},
                values={
                    "name_zh": spec.name_zh,
                    "name_en": spec.name_en,
                    "level": spec.level,
                    "region_code": spec.region_code,
                    "parent": self.departments[spec.parent] if spec.parent else None,
                    "is_service_window": spec.is_service_window,
                    "document_prefix": demo_data.DOCUMENT_PREFIXES.get(spec.code, ""),
                    "is_active": True,
                },
            )

    def seed_registries(self) -> None:
        people = [official.person for official in demo_data.OFFICIALS]
        people += [citizen.person for citizen in demo_data.CITIZENS]
        people += list(demo_data.REGISTRY_ONLY_PEOPLE)
        for person in people:
            self.upsert(
                PopulationRecord,
                lookup={"id_number": person.id_number},
                values={
                    "name": person.name,
                    "gender": person.gender,
                    "birth_date": person.birth_date,
                    "address": person.address,
                    "is_deceased": False,
                },
            )
        for business in demo_data.BUSINESSES:
            self.upsert(
                LegalPersonRecord,
                lookup={"uscc": business.uscc},
                values={
                    "name": business.name,
                    "legal_representative": business.legal_representative.name,
                    "legal_representative_id_number": business.legal_representative.id_number,
                    "address": business.address,
                    "established_on": business.established_on,
                    "status": LegalPersonStatus.ACTIVE,
                },
            )

    def user(
        self,
        *,
        email: str,
        mobile: str | None,
        display_name: str,
        is_staff: bool = False,
        is_superuser: bool = False,
    ) -> User:
        values = {
            "mobile": normalize_mobile(mobile) if mobile else mobile,
            "display_name": display_name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "is_active": True,
        }
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(email=email, **values)
            user.set_password(self.password)
            user.full_clean()
            user.save()
            self.created[User._meta.label_lower] += 1
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            # Existing accounts keep their password unless asked: a demo user may have changed it.
            if self.reset_passwords and not user.check_password(self.password):
                user.set_password(self.password)
                changed.append("password")
            if changed:
                user.full_clean()
                user.save(update_fields=changed)
                self.updated[User._meta.label_lower] += 1
        self.users[email] = user
        return user

    def person_profile(self, user: User, person: demo_data.DemoPerson) -> PersonProfile:
        return self.upsert(
            PersonProfile,
            lookup={"user": user},
            values={
                "real_name": person.name,
                "id_number": person.id_number,
                "gender": person.gender,
                "birth_date": person.birth_date,
                "address": person.address,
            },
            on_create={"verified_at": timezone.now()},
        )

    def seed_administrator(self) -> None:
        admin = demo_data.ADMINISTRATOR
        self.user(
            email=admin.email,
            mobile=None,
            display_name=admin.display_name,
            is_staff=True,
            is_superuser=True,
        )

    def seed_officials(self) -> None:
        for official in demo_data.OFFICIALS:
            user = self.user(
                email=official.email,
                mobile=official.mobile,
                display_name=official.person.name,
                is_staff=official.is_staff,
            )
            self.person_profile(user, official.person)
            self.upsert(
                OfficialPosition,
                lookup={
                    "user": user,
                    "department": self.departments[official.department],
                    "role": official.role,
                },
                values={"is_active": True},
            )
            if official.role == OfficialRole.SUPERVISOR:
                self.grant_supervisor_view(user)

    def grant_supervisor_view(self, user: User) -> None:
        wanted = set()
        for dotted in demo_data.SUPERVISOR_VIEW_PERMISSIONS:
            app_label, codename = dotted.split(".")
            wanted.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        missing = wanted - set(user.user_permissions.all())
        if missing:
            user.user_permissions.add(*missing)
            self.created["accounts.user_permissions"] += len(missing)

    def seed_citizens(self) -> None:
        for citizen in demo_data.CITIZENS:
            user = self.user(
                email=citizen.email, mobile=citizen.mobile, display_name=citizen.person.name
            )
            self.person_profile(user, citizen.person)

    def seed_businesses(self) -> None:
        for spec in demo_data.BUSINESSES:
            if spec.admin_email is None:
                continue  # in the legal-person registry only
            business = self.upsert(
                Business,
                lookup={"uscc": spec.uscc},
                values={
                    "name": spec.name,
                    "legal_representative": spec.legal_representative.name,
                    "address": spec.address,
                },
                on_create={"verified_at": timezone.now()},
            )
            members = ((spec.admin_email, MembershipRole.ADMIN), (spec.agent_email, None))
            for email, role in members:
                if email is None:
                    continue
                self.upsert(
                    BusinessMembership,
                    queryset=BusinessMembership.objects.exclude(status=MembershipStatus.REMOVED),
                    lookup={"business": business, "user": self.users[email]},
                    values={
                        "role": role or MembershipRole.AGENT,
                        "status": MembershipStatus.ACTIVE,
                    },
                    on_create={"invited_by": None if role else self.users[spec.admin_email]},
                )


def _display_width(text: str) -> int:
    """Terminal columns: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [
        max(_display_width(row[column]) for row in [header, *rows]) for column in range(len(header))
    ]
    rule = "  ".join("-" * width for width in widths)
    lines = ["  ".join(_pad(cell, width) for cell, width in zip(header, widths, strict=True))]
    lines.append(rule)
    for row in rows:
        lines.append(
            "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return "\n".join(lines)


def login_rows() -> list[tuple[str, str, str, str]]:
    """Email, mobile, role, department or business, for every demo login."""
    departments = {spec.code: spec for spec in demo_data.DEPARTMENTS}
    role_labels = dict(OfficialRole.choices)
    chinese = (get_language() or "").startswith("zh")
    admin = demo_data.ADMINISTRATOR
    rows = [(admin.email, "—", _("Administrator (superuser)"), "—")]
    for official in demo_data.OFFICIALS:
        department = departments[official.department]
        name = department.name_zh if chinese else department.name_en
        rows.append(
            (
                official.email,
                official.mobile,
                str(role_labels[official.role]),
                f"{name} [{department.code}]",
            )
        )
    membership_labels = dict(MembershipRole.choices)
    for citizen in demo_data.CITIZENS:
        rows.append((citizen.email, citizen.mobile, _("Citizen"), "—"))
        for business in demo_data.BUSINESSES:
            if citizen.email == business.admin_email:
                role = MembershipRole.ADMIN
            elif citizen.email == business.agent_email:
                role = MembershipRole.AGENT
            else:
                continue
            rows.append(
                (citizen.email, citizen.mobile, str(membership_labels[role]), business.name)
            )
    return rows


class Command(BaseCommand):
    help = (
        "Create the demo city (Fuzhou): departments, officials for every role, citizens, "
        "businesses and registry records. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo account (or set DEMO_PASSWORD); at least 12 characters.",
        )
        parser.add_argument(
            "--show-password",
            action="store_true",
            help="Print the password with the list of logins.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Also set the password on demo accounts that already exist.",
        )
        parser.add_argument(
            "--no-applications",
            action="store_true",
            help="Do not create the demo applications (drafts, reviews, licences, ratings).",
        )

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError(_("Give the demo password with --password or DEMO_PASSWORD."))
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

        seeder = DemoSeeder(password=password, reset_passwords=options["reset_passwords"])
        with transaction.atomic():
            seeder.seed()
            if seeder.changed_anything:
                audit_record(
                    action="demo.seeded",
                    object_type="demo",
                    object_id=demo_data.CITY_REGION_CODE,
                    changes={
                        "created": [None, dict(sorted(seeder.created.items()))],
                        "updated": [None, dict(sorted(seeder.updated.items()))],
                    },
                    reason="manage.py seed_demo",
                )
            services = seed_catalogue()
            themes = seed_themes()
        self.report(seeder, password=password, show_password=options["show_password"])
        if services:
            self.stdout.write(
                _("Service catalogue: %(count)d services published or updated.")
                % {"count": services}
            )
        else:
            self.stdout.write(_("The service catalogue is already in place; nothing changed."))
        if themes:
            self.stdout.write(
                _("One-thing themes: %(count)d themes published or updated.") % {"count": themes}
            )
        if not options["no_applications"]:
            self.report_applications(seed_applications())
            self.report_theme_cases(seed_theme_cases())

    def report_theme_cases(self, seeded) -> None:
        """The demo 一件事 cases: one line each."""
        for item in seeded:
            case = item.theme_case
            if case is None:
                line = _("%(case)s: not made (%(problem)s)") % {
                    "case": item.case.key,
                    "problem": item.problem,
                }
            else:
                number = case.tracking_number or _("(draft)")
                line = f"{number} {item.case.theme}: {item.case.describe}"
            self.stdout.write(line)

    def report_applications(self, seeded: list[SeededCase]) -> None:
        out = self.stdout
        created = sum(item.created for item in seeded)
        out.write("")
        if created:
            out.write(
                self.style.SUCCESS(_("Demo applications: %(count)d created.") % {"count": created})
            )
        else:
            out.write(_("The demo applications are already in place; nothing changed."))
        rows = []
        for item in seeded:
            application = item.application
            if application is None:
                rows.append(("—", _("not made today"), "—", str(item.case.describe)))
                continue
            rows.append(
                (
                    application.tracking_number or _("(draft)"),
                    str(application.get_status_display()),
                    application.service_version.item.code,
                    str(item.case.describe),
                )
            )
        out.write(format_table((_("Tracking number"), _("Status"), _("Service"), _("Case")), rows))
        for item in seeded:
            if item.problem:
                out.write(
                    self.style.WARNING(
                        _("Demo case not made (it will be on a later run): %(case)s: %(problem)s")
                        % {"case": item.case.describe, "problem": item.problem}
                    )
                )

    def report(self, seeder: DemoSeeder, *, password: str, show_password: bool) -> None:
        out = self.stdout
        if seeder.changed_anything:
            out.write(
                self.style.SUCCESS(
                    _("Demo data seeded: %(created)d rows created, %(updated)d updated.")
                    % {
                        "created": sum(seeder.created.values()),
                        "updated": sum(seeder.updated.values()),
                    }
                )
            )
        else:
            out.write(self.style.SUCCESS(_("The demo data is already in place; nothing changed.")))
        out.write("")
        out.write(
            format_table(
                (_("Email"), _("Mobile"), _("Role"), _("Department or business")), login_rows()
            )
        )
        out.write("")
        if show_password:
            out.write(_("Password for every demo account: %(password)s") % {"password": password})
        else:
            out.write(
                _(
                    "Password for every demo account: the one given with --password or "
                    "DEMO_PASSWORD (not shown; add --show-password to print it)."
                )
            )
        out.write(
            _(
                "Accounts that already existed keep their password; add --reset-passwords to "
                "set it again."
            )
        )
        out.write(
            _(
                "Officials, the supervisor and the administrator must enrol an authenticator app "
                "(TOTP) at their first sign-in."
            )
        )
        example = demo_data.SIGN_UP_EXAMPLE
        out.write(
            _("Try sign-up with: %(name)s, ID number %(id_number)s (in the registry, no account).")
            % {"name": example.name, "id_number": example.id_number}
        )
        unregistered = [b for b in demo_data.BUSINESSES if b.admin_email is None]
        for business in unregistered:
            out.write(
                _(
                    "Then register the business %(name)s, USCC %(uscc)s, whose legal "
                    "representative is %(representative)s."
                )
                % {
                    "name": business.name,
                    "uscc": business.uscc,
                    "representative": business.legal_representative.name,
                }
            )
