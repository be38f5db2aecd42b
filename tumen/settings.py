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
    "django_tasks",
    "django_tasks_db",
    "tumen.org",
    "tumen.audit",
    "tumen.directives",
    "tumen.people",
    "tumen.policy",
    "tumen.cases",
    "tumen.authorizations",
    "tumen.scenario",
    "tumen.reports",
    "tumen.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tumen.web.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
AXES_FAILURE_LIMIT = env_int("TUMEN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("TUMEN_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
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
    env_str("TUMEN_AUDIT_KEY_FILE", str(VAR_DIR / "keys" / "audit-seal-ed25519.pem"))
)
TUMEN_DEMO_PASSWORD = env_str("TUMEN_DEMO_PASSWORD", "tumen-demo-1963")
# Travel authorizations: issuing authorities' signing keys live outside the database.
TUMEN_AUTHORIZATION_KEY_DIR = Path(
    env_str("TUMEN_AUTHORIZATION_KEY_DIR", str(VAR_DIR / "keys" / "authorizations"))
)
# Where the demo exports the signed trust and revocation lists for `tumen verify --trust`.
TUMEN_TRUST_DIR = Path(env_str("TUMEN_TRUST_DIR", str(VAR_DIR / "trust")))
TUMEN_AUTHORIZATION_ALG = env_str("TUMEN_AUTHORIZATION_ALG", "ES256")
if TUMEN_AUTHORIZATION_ALG not in {"ES256", "EdDSA"}:
    raise ImproperlyConfigured("TUMEN_AUTHORIZATION_ALG must be ES256 or EdDSA.")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("TUMEN_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("TUMEN_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("TUMEN_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("TUMEN_BEHIND_TLS_PROXY", default=False):
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
