"""Settings shared by every environment. Defaults are the embedded, single-machine mode."""

import ipaddress
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from portal.settings.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Everything the running portal writes (SQLite file, media, broker queue, outgoing mail) lives here,
# outside the web root and outside the source tree's tracked files.
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var"))).resolve()

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
# Earlier keys, still accepted after a rotation: sessions, reset links, and the query codes
# already given out (approvals/security/query_codes.py) keep working.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here (no CDN)
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",
    "accounts",
    "approvals",
    "demo",
    # The project itself, above the apps: its backup/restore commands and the admin index's
    # worker status (they read the apps' data).
    "portal",
]

MIDDLEWARE = [
    # First: a body too large is refused before any middleware (CSRF) reads it to disk.
    "portal.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.AccessLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "portal.middleware.RequestUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of the login view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# Embedded default: SQLite in WAL mode with IMMEDIATE transactions, so that concurrent writers
# wait for each other instead of failing with "database is locked" (DESIGN.md §4).
DEFAULT_SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server, and a statement the connection has run a few times kept
    # prepared (psycopg's prepare_threshold): PostgreSQL then skips parsing and planning it,
    # most of its CPU for the short joins a request runs (issue 12: 1.4 → 0.3 ms for the four
    # reads of a submission). Off behind a pooler in transaction mode (PgBouncer), where a
    # statement prepared on one server connection is unknown on the next. Beside the address's
    # own options (?sslmode=require).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out identifier is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailOrMobileBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Idle session expiry: the session's age is renewed on every request, so a session ends after this
# many seconds without activity.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: ten wrong passwords pause the account (the identifier, whether or not it exists, so
# that the lockout says nothing about existence) for the client address they came from only, so
# that a stranger cannot lock the owner out; failures from many addresses slow the account down
# instead (accounts/lockout.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form's field (axes would otherwise look for USERNAME_FIELD, "email", and find nothing
# in the credentials its backend sees, so that no lockout would ever apply).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.canonical_login_identifier"
AXES_LOCKOUT_CALLABLE = "accounts.views.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# Counting per IP address alone would lock out whole offices behind one NAT address; per-IP rate
# limiting belongs to the reverse proxy (docs/deployment.md).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "One-stop Approval Portal")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Deadline days are counted in China's time zone (DESIGN.md §3).
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# Uploaded and generated files are never served by URL: only through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Attachments (approvals/security/uploads.py): the largest file, and the most pixels an image may
# declare (checked from its header, before anything is decoded).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 40_000_000)
# clamd for virus scanning: "host:port" or a Unix socket path. Empty: uploads are not scanned
# (each one logs a warning). When set, a file is kept only when clamd says it is clean.
CLAMD_ADDRESS = env_str("CLAMD_ADDRESS", "")
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)
# S3-compatible object storage for attachments and issued documents (docs/deployment.md).
if env_str("STORAGE_BACKEND", "local") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", ""),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Issued documents (PDF) and the electronic seal --------------------------------------------
# Seal keys and certificates (approvals/documents/sealing.py): <department code>.key.pem and
# .cert.pem, and ca.cert.pem, the trust root. SEAL_DEMO_CA creates a local demo CA and department
# certificates for any that are missing (embedded mode only; production turns it off).
SEAL_CERT_DIR = Path(env_str("SEAL_CERT_DIR", str(VAR_DIR / "seals")))
SEAL_KEY_PASSPHRASE = env_str("SEAL_KEY_PASSPHRASE", "")
SEAL_DEMO_CA = env_bool("SEAL_DEMO_CA", True)
# Public verification (/verify/<code>/): the largest copy a visitor may upload to compare.
VERIFY_UPLOAD_MAX_BYTES = env_int("VERIFY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# The largest request body accepted at all, checked from Content-Length before anything reads the
# body (Django's own limits do not cover uploaded files): the largest upload plus room for the form.
MAX_REQUEST_BYTES = env_int(
    "MAX_REQUEST_BYTES", max(ATTACHMENT_MAX_BYTES, VERIFY_UPLOAD_MAX_BYTES) + 1024 * 1024
)

# --- Email and SMS ------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
# Text messages: the dotted path of a class with ``send(mobile, message)``
# (messaging/sms.py); the default logs the message with the number masked instead of
# sending it.
SMS_BACKEND = env_str("SMS_BACKEND", "messaging.sms.ConsoleSMSBackend")

# --- Cache --------------------------------------------------------------------------------------
# Rate limits (the public progress lookup) count in the cache. The in-process default suits one
# process; with several web workers, point CACHE_URL at Redis so that they share the counts.
CACHE_URL = env_str("CACHE_URL", "locmem://")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Celery -------------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, no broker server needed.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Exchange tables (the workers' remote-control fanout); kombu's default is ./control.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {}
)
CELERY_TASK_IGNORE_RESULT = True
# Tasks go through the broker (the test settings run them in-process); /readyz and the admin
# index read this to know whether there are workers to look for.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Prefork, with pipe locks that a killed pool process cannot leave held (portal/celery_pool.py).
CELERY_WORKER_POOL = "portal.celery_pool:TaskPool"
# Worker health (portal/worker_health.py, /readyz, the admin index): each worker's heartbeat
# interval; a heartbeat older than the stale limit, a received task not started within the stuck
# limit, or a queued task older than the wait limit makes /readyz fail naming the queue.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 10)
WORKER_HEARTBEAT_STALE_SECONDS = env_int("WORKER_HEARTBEAT_STALE_SECONDS", 60)
WORKER_STUCK_SECONDS = env_int("WORKER_STUCK_SECONDS", 120)
QUEUE_MAX_WAIT_SECONDS = env_int("QUEUE_MAX_WAIT_SECONDS", 300)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Deemed acceptance, SLA lights, supervision cards, lapsed pledges (idempotent).
    "sweep-deadlines": {"task": "approvals.tasks.sweep_deadlines_task", "schedule": 60.0},
    # The supervision dashboard's open-task counts and rolled-up statistics (idempotent, idle
    # when nothing changed): approvals/services/supervision_rollup.py.
    "supervision-rollup": {"task": "approvals.tasks.supervision_rollup_task", "schedule": 300.0},
    # Licence expiry reminders, 60 and 30 days before (idempotent), every morning.
    "licence-expiry-reminders": {
        "task": "approvals.tasks.licence_expiry_reminders_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # The signed checkpoint of the audit chain's head, daily
    # (audit/checkpoints.py).
    "audit-checkpoint": {
        "task": "approvals.tasks.audit_checkpoint_task",
        "schedule": crontab(hour=0, minute=30),
    },
    # Documents whose PDF task was lost (broker down, worker killed): queue them again.
    "sweep-unrendered-documents": {
        "task": "approvals.tasks.documents_render_sweep_task",
        "schedule": 300.0,
    },
    # Webhook retries that are due, and outbox events whose fan-out never ran.
    "sweep-webhooks": {"task": "approvals.tasks.webhook_sweep_task", "schedule": 60.0},
    # Notifications whose email and SMS task was lost (broker down, publish failed): queue again.
    "resend-lost-notifications": {
        "task": "approvals.tasks.notifications_resend_task",
        "schedule": 300.0,
    },
}
# A notification whose email and SMS have not gone out this many seconds after it was written
# counts as lost and is queued again (longer than a queue normally waits: QUEUE_MAX_WAIT_SECONDS).
NOTIFICATION_RESEND_GRACE_SECONDS = env_int("NOTIFICATION_RESEND_GRACE_SECONDS", 900)
CELERY_TASK_ROUTES = {"approvals.tasks.document_render_task": {"queue": "pdf"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Security headers ---------------------------------------------------------------------------
# No CDN, no inline script: everything the pages load comes from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses, switched off (an empty allow-list); the camera stays off too:
# phones still offer it for a file input, which needs no permission.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "hid", "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# The client IP for audit and lockout: read from this header only when a trusted proxy sets it.
TRUSTED_PROXY_IP_HEADER = env_str("TRUSTED_PROXY_IP_HEADER", "")
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)

# --- Portal -------------------------------------------------------------------------------------
# Base registries (一数一源): dotted paths of the adapters; the defaults read local tables.
POPULATION_REGISTRY = env_str(
    "POPULATION_REGISTRY", "accounts.registries.local.LocalPopulationRegistry"
)
LEGAL_PERSON_REGISTRY = env_str(
    "LEGAL_PERSON_REGISTRY", "accounts.registries.local.LocalLegalPersonRegistry"
)
PORTAL_NAME = _("One-stop Online Approval Portal")
# The portal's public address, for links in emails and text messages (sent outside any request).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000")

# Deadlines (电子监察): a task turns yellow with this many working days or fewer left. The
# working-day calendar is cached per process and re-checked every CALENDAR_CACHE_SECONDS.
SLA_WARN_WORKING_DAYS = env_int("SLA_WARN_WORKING_DAYS", 3)
CALENDAR_CACHE_SECONDS = env_int("CALENDAR_CACHE_SECONDS", 60)

# The Ed25519 key that signs the audit chain's daily checkpoints (generated there when missing).
AUDIT_SIGNING_KEY_PATH = Path(
    env_str("AUDIT_SIGNING_KEY_PATH", str(VAR_DIR / "audit-signing-key.pem"))
)
# Processes that share a long walk of the chain (verify_audit on PostgreSQL); 0: one per CPU.
AUDIT_VERIFY_WORKERS = env_int("AUDIT_VERIFY_WORKERS", 0)

# --- REST API (approvals.api, docs/api.md) -------------------------------------------------------
REST_FRAMEWORK = {
    # A safety net: every API view names its own permission classes (approvals.api.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an unauthenticated request gets 401 with "WWW-Authenticate: Bearer".
        "approvals.api.authentication.BearerAuthentication",
        "approvals.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "approvals.api.throttling.AnonymousThrottle",
        "approvals.api.throttling.UserThrottle",
        "approvals.api.throttling.ClientThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
        "client": env_str("API_THROTTLE_CLIENT", "1200/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "approvals.api.errors.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "One-stop Online Approval Portal API",
    "DESCRIPTION": "Applications, intake, review tasks, licences and verification. "
    "Errors are RFC 9457 problem details. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # /api/swagger/: Swagger UI with try-it-out, its files from drf-spectacular-sidecar.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"tryItOutEnabled": True, "persistAuthorization": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "approvals.models.application.ApplicationStatus",
        "DocumentStatusEnum": "approvals.models.documents.DocumentStatus",
        "DocumentKindEnum": "approvals.models.documents.DocumentKind",
        "LicenceStatusEnum": "approvals.models.licences.LicenceStatus",
        "TaskStatusEnum": "approvals.models.review.TaskStatus",
        "PauseKindEnum": "approvals.api.serializers.official.REVIEW_PAUSE_KIND_CHOICES",
        "ThemeCaseStatusEnum": "approvals.models.themes.ThemeCaseStatus",
    },
}
# Webhooks: one attempt's timeout, the first retry's delay (doubling each time) and the number
# of attempts before a delivery is given up.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)


def logging_config(log_format: str) -> dict:
    """``console``: readable lines (``make run``); ``json``: one JSON object a line with the
    request id and the pseudonymous user (production's default). Either way, personal data is
    masked (portal/logs.py); unhandled errors of requests and tasks are also mailed to the ADMINS
    (portal/errors.py)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "portal.logs.RequestContextFilter"},
            "personal_data": {"()": "portal.logs.PersonalDataFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {
            "console": {
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
            },
            "json": {"()": "portal.logs.PortalJsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "portal.logs.StderrHandler",
                "formatter": "json" if log_format == "json" else "console",
                "filters": ["context", "personal_data"],
            },
            "mail_admins": {
                "class": "portal.errors.ScrubbedAdminEmailHandler",
                "level": "ERROR",
                "filters": ["require_debug_false", "personal_data"],
            },
        },
        "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # Instead of Django's own handlers (its unscrubbed mail to the ADMINS among them):
            # Django's lines go to the root's handler like every other.
            "django": {"handlers": [], "level": "INFO"},
            "django.request": {"handlers": ["mail_admins"], "level": "ERROR"},
            "celery.app.trace": {"handlers": ["mail_admins"], "level": "ERROR"},
        },
    }


LOG_FORMAT = env_str("LOG_FORMAT", "console")
LOGGING = logging_config(LOG_FORMAT)

# Unhandled errors: mailed to the ADMINS ("Name <address>" or addresses, comma-separated), and
# sent to a Sentry-compatible service when SENTRY_DSN is set; personal data scrubbed from both.
ADMINS = [
    (address.split("<")[0].strip() or address, address.split("<")[-1].rstrip(">").strip())
    for address in env_list("ADMINS", [])
]
SERVER_EMAIL = env_str("SERVER_EMAIL", env_str("DEFAULT_FROM_EMAIL", "portal@localhost"))
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.errors.PersonalDataReporterFilter"
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    from portal.errors import init_sentry

    init_sentry(SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", ""))

# /metrics answers these addresses (comma-separated addresses or networks) and no one else.
METRICS_ALLOWED_IPS = env_str("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(part.strip(), strict=False)
    for part in METRICS_ALLOWED_IPS.split(",")
    if part.strip()
]

# Backups (manage.py backup / restore, docs/deployment.md section 6b): where dated backup folders
# go, and the folder of pg_dump/pg_restore (empty: /usr/lib/postgresql/<server major>/bin, else
# the PATH).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
PG_BIN_DIR = env_str("PG_BIN_DIR", "")
