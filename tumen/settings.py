"""Tumen settings: one file, read from the environment.

Every variable is documented in README.md ("Configuration"). Development is the default; with
TUMEN_ENV=production the secrets must be set and the security settings are strict.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tumen.lib.database import database_from_url
from tumen.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TUMEN_VAR_DIR", str(BASE_DIR / "var"))).resolve()

TUMEN_ENV = env_str("TUMEN_ENV", "development")
if TUMEN_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"TUMEN_ENV must be 'development' or 'production'; got {TUMEN_ENV!r}."
    )
PRODUCTION = TUMEN_ENV == "production"

SECRET_KEY = env_secret(
    "TUMEN_SECRET_KEY",
    required=PRODUCTION,
    fallback="development-only-insecure-key-do-not-use-in-production-0123456789",
)
DEBUG = env_bool("TUMEN_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("TUMEN_DEBUG must be off when TUMEN_ENV=production.")

ALLOWED_HOSTS = env_list(
    "TUMEN_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "TUMEN_ALLOWED_HOSTS must list the host names Tumen is served under when "
        "TUMEN_ENV=production."
    )
CSRF_TRUSTED_ORIGINS = env_list("TUMEN_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    # django-ninja's own static files, so the API's browsable docs need no CDN.
    "ninja",
    "tumen.org",
    "tumen.audit",
    "tumen.directives",
    "tumen.people",
    "tumen.policy",
    "tumen.cases",
    "tumen.authorizations",
    "tumen.scenario",
    "tumen.reports",
    "tumen.imports",
    "tumen.web",
    "tumen.tokens",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "tumen.web.middleware.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tumen.web.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tumen.web.middleware.IdleTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tumen.web.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tumen.org.middleware.DenialAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees failed logins after authentication ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tumen.urls"
WSGI_APPLICATION = "tumen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tumen.cases.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tumen.sqlite3'}"), var_dir=VAR_DIR
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.Official"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before a password is even hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username from one address after repeated failures.
# Per address across usernames (spraying); per username see tumen/web/throttle.py.
AXES_FAILURE_LIMIT = env_int("TUMEN_LOGIN_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = env_int("TUMEN_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "tumen.web.throttle.client_address"
TUMEN_BEHIND_TLS_PROXY = env_bool("TUMEN_BEHIND_TLS_PROXY", default=False)
# A username may fail this often freely; then each attempt waits 1, 2, 4 … seconds, up to the max.
TUMEN_LOGIN_FREE_FAILURES = env_int("TUMEN_LOGIN_FREE_FAILURES", 5, minimum=1)
TUMEN_LOGIN_MAX_DELAY_SECONDS = env_int("TUMEN_LOGIN_MAX_DELAY_SECONDS", 300, minimum=1)
# Failed sign-ins of a username are audited once per burst; a burst ends after this much quiet.
TUMEN_LOGIN_BURST_GAP_SECONDS = env_int("TUMEN_LOGIN_BURST_GAP_SECONDS", 900, minimum=1)
# Denied access by one official to one kind of record is audited once per burst, with its count.
TUMEN_DENIAL_BURST_GAP_SECONDS = env_int("TUMEN_DENIAL_BURST_GAP_SECONDS", 900, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Axes would otherwise log attempted usernames and addresses; those stay in its own table.
AXES_ENABLE_ACCESS_FAILURE_LOG = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Chinese (Simplified)")), ("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tumen" / "locale"]
TIME_ZONE = env_str("TUMEN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise serves from the apps in development but warns when its root is missing.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, WhiteNoise serves straight from the apps so no collectstatic step is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {
    "default": {
        "BACKEND": env_str("TUMEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Audit: the signed head lives outside the database so that a truncated tail is detected.
TUMEN_AUDIT_SEAL_FILE = Path(env_str("TUMEN_AUDIT_SEAL_FILE", str(VAR_DIR / "audit-seal.json")))
TUMEN_AUDIT_KEY_FILE = Path(
    env_str(
        "TUMEN_AUDIT_KEY_FILE",
        None if PRODUCTION else str(VAR_DIR / "keys" / "audit-seal-ed25519.pem"),
    )
).resolve()
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _database_directory = Path(DATABASES["default"]["NAME"]).resolve().parent
    if TUMEN_AUDIT_KEY_FILE.is_relative_to(_database_directory):
        raise ImproperlyConfigured(
            "TUMEN_AUDIT_KEY_FILE must not lie under the database's directory "
            f"({_database_directory}): whoever copies or cuts the database must not get the key."
        )
# A second place every seal is written to (a path on another disk or mount) and checked from.
TUMEN_AUDIT_SEAL_COPY = env_str("TUMEN_AUDIT_SEAL_COPY", "") or None
# A command each seal (JSON) is piped to, e.g. one that ships it to another host.
TUMEN_AUDIT_SEAL_COMMAND = env_str("TUMEN_AUDIT_SEAL_COMMAND", "")
# `tumen worker` seals this often; `tumen audit verify` fails on a seal older than the window.
TUMEN_AUDIT_SEAL_SECONDS = env_int("TUMEN_AUDIT_SEAL_SECONDS", 60, minimum=1)
TUMEN_AUDIT_SEAL_WINDOW_SECONDS = env_int("TUMEN_AUDIT_SEAL_WINDOW_SECONDS", 300, minimum=1)
TUMEN_DEMO_PASSWORD = env_str("TUMEN_DEMO_PASSWORD", "tumen-demo-1963")
# REST API (tumen/api.py): calls per minute allowed to one token (or one browser session).
TUMEN_API_RATE_PER_MINUTE = env_int("TUMEN_API_RATE_PER_MINUTE", 600, minimum=1)
# A token found live is trusted for this many seconds without looking it up again (0: never).
# Revoking it, or changing its official or their roles, takes effect at once in the process that
# made the change and within these seconds in the others.
TUMEN_API_TOKEN_CACHE_SECONDS = env_int("TUMEN_API_TOKEN_CACHE_SECONDS", 5, minimum=0)
# Answers kept for retried creates and actions (Idempotency-Key): a retry within this many hours
# gets the first answer; `tumen worker` deletes older ones every TUMEN_IDEMPOTENCY_PRUNE_SECONDS.
TUMEN_IDEMPOTENCY_RETENTION_HOURS = env_int("TUMEN_IDEMPOTENCY_RETENTION_HOURS", 24, minimum=1)
TUMEN_IDEMPOTENCY_PRUNE_SECONDS = env_int("TUMEN_IDEMPOTENCY_PRUNE_SECONDS", 3600, minimum=1)
# Travel authorizations: issuing authorities' signing keys live outside the database.
TUMEN_AUTHORIZATION_KEY_DIR = Path(
    env_str("TUMEN_AUTHORIZATION_KEY_DIR", str(VAR_DIR / "keys" / "authorizations"))
)
# Where the demo exports the signed trust and revocation lists for `tumen verify --trust`.
TUMEN_TRUST_DIR = Path(env_str("TUMEN_TRUST_DIR", str(VAR_DIR / "trust")))
TUMEN_AUTHORIZATION_ALG = env_str("TUMEN_AUTHORIZATION_ALG", "ES256")
if TUMEN_AUTHORIZATION_ALG not in {"ES256", "EdDSA"}:
    raise ImproperlyConfigured("TUMEN_AUTHORIZATION_ALG must be ES256 or EdDSA.")

# A second factor (TOTP) after the password for these roles (others may opt in). Off by default
# outside production, so that the demo's printed logins work; see tumen/web/second_factor.py.
TUMEN_SECOND_FACTOR = env_bool("TUMEN_SECOND_FACTOR", default=PRODUCTION)
TUMEN_SECOND_FACTOR_ROLES = env_list("TUMEN_SECOND_FACTOR_ROLES", ["administrator", "approver"])
OTP_TOTP_ISSUER = "Tumen"
SESSION_COOKIE_HTTPONLY = True
# Signed out after this long without a request, besides SESSION_COOKIE_AGE's absolute lifetime.
TUMEN_IDLE_SECONDS = env_int("TUMEN_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_AGE = env_int("TUMEN_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browsers may use what they need and nothing else: no camera, microphone, location, payment …
TUMEN_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "interest-cohort=()"
)
# No inline script or style anywhere (htmx is told not to inject its indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host-: the browser sends the cookie only to this exact host, over HTTPS, for every path.
    SESSION_COOKIE_NAME = "__Host-tumen-session"
    CSRF_COOKIE_NAME = "__Host-tumen-csrf"
    SECURE_SSL_REDIRECT = env_bool("TUMEN_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("TUMEN_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if TUMEN_BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TUMEN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; URLs never carry personal data (case numbers, not names).
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

# Bulk import (tumen/imports): uploaded files and their error reports, kept outside the database.
TUMEN_IMPORT_DIR = Path(env_str("TUMEN_IMPORT_DIR", str(VAR_DIR / "imports")))
