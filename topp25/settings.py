"""Settings for topp25.

Every value has a default that runs straight after checkout (SQLite + in-memory channel
layer). Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from topp25.limits import MAX_REQUEST_BODY

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not understood: expected {expected}.")


def env_bool(name: str, default: bool) -> bool:
    """A typo (DEBUG=ture) stops the start instead of silently meaning off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _refuse(name, value, "one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise _refuse(name, value, "a whole number") from None
    if number < minimum:
        raise _refuse(name, value, f"a whole number of at least {minimum}")
    return number


def env_positive_int(name: str, default: int) -> int:
    """A whole number ≥ 1; anything else stops the start with the variable's name."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 1, not {value!r}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str:
    """A rate limit "count/period", period in s, m, h or d (e.g. 60/10m)."""
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"[1-9][0-9]*/[1-9]?[0-9]*[smhd]", value):
        raise _refuse(name, value, "a rate such as 60/10m (count/period, period s, m, h or d)")
    return value


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "dev-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "topp25.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "meetings",
    "groups",
    "summary",
    "screens",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages and htmx answers gzipped (the group page's HTML 11 KB -> 2.4 KB); static files come
    # precompressed from WhiteNoise and are passed through. BREACH: Django masks the CSRF token
    # per response and this middleware pads each body with random bytes (Heal the Breach).
    "django.middleware.gzip.GZipMiddleware",
    "topp25.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "topp25.middleware.ChosenLanguageMiddleware",
    # NUL refused (400, in the chosen language) before any view; no-store and
    # Permissions-Policy on every answer.
    "topp25.guards.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "topp25.middleware.StaffNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "topp25.urls"
ASGI_APPLICATION = "topp25.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; IMMEDIATE transactions make concurrent writers queue
# instead of failing with "database is locked" when a read lock is upgraded.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    # Under ASGI every request runs its database work on a thread of its own, so connections
    # opened per request (or kept with CONN_MAX_AGE > 0) grow with the load until PostgreSQL
    # answers "too many clients". psycopg's pool caps them per worker process: a request waits
    # (up to DB_POOL_TIMEOUT s) for a free connection instead. All workers together must stay
    # below the server's max_connections (100 by default): `make serve-prod` sets
    # DB_POOL_MAX_SIZE to 80 / WORKERS unless it is given.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _pool_max = env_positive_int("DB_POOL_MAX_SIZE", 20)
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_positive_int("DB_POOL_MIN_SIZE", 2), _pool_max),
            "max_size": _pool_max,
            "timeout": env_positive_int("DB_POOL_TIMEOUT", 10),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # A file, not shared-cache memory, so tests with several threads (two phones at
            # once, the live server) see the same locking as `make run`.
            "TEST": {
                "NAME": env_str(
                    "SQLITE_TEST_PATH",
                    str(Path(tempfile.gettempdir()) / f"topp25-test-{os.getpid()}.sqlite3"),
                )
            },
        }
    }

REDIS_URL = env_str("REDIS_URL", "")
# Channel groups and cache keys in Redis are namespaced by this prefix. Parallel test processes
# (pytest-xdist) share one Redis and their test databases hand out the same meeting ids, so
# each worker adds its own name (gw0, gw1…); the servers a test starts inherit it.
REDIS_PREFIX = env_str("CHANNEL_PREFIX", "topp25") + os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL:
    from topp25.channel_layer import redis_host

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "topp25.channel_layer.BlockingPoolRedisChannelLayer",
            "CONFIG": {
                "hosts": [redis_host(REDIS_URL)],
                "prefix": REDIS_PREFIX,
                # A screen's queue must hold a burst: channels-redis silently skips a
                # channel whose queue is full (default 100) when sending to a group.
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds rate-limit counters (failed joins): shared by all workers through Redis in
# production, local memory in one process embedded.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Failed joins (a wrong code, or a meeting closed to newcomers) per client address and per
# code, "count/period" with period s, m, h or d. A hall behind one school NAT shares an
# address: 60 typos in 10 minutes is far above a hall's and far below a guesser's need
# (31^6 codes).
JOIN_FAILURES_PER_CLIENT = env_rate("JOIN_FAILURES_PER_CLIENT", "60/10m")
JOIN_FAILURES_PER_CODE = env_rate("JOIN_FAILURES_PER_CODE", "30/10m")
# Limits that fit a hall (README, "Limits"): far above what a hall of a few hundred does,
# far below what one phone or script can send. Successful joins per client address (a
# school's Wi-Fi puts a whole hall behind one address: 600 in 10 minutes is two full halls
# joining and rejoining) and per device (a phone changing its group now and then).
JOINS_PER_CLIENT = env_rate("JOINS_PER_CLIENT", "600/10m")
JOINS_PER_DEVICE = env_rate("JOINS_PER_DEVICE", "20/10m")
# Participants in one meeting (the format is ~100; the live layer is measured to 3,000).
PARTICIPANTS_PER_MEETING = env_int("PARTICIPANTS_PER_MEETING", 1500, minimum=1)
# Ideas one participant adds in one phase (a buzz round gives a handful), and in one group.
IDEAS_PER_PARTICIPANT_PER_PHASE = env_int("IDEAS_PER_PARTICIPANT_PER_PHASE", 25, minimum=1)
IDEAS_PER_GROUP = env_int("IDEAS_PER_GROUP", 300, minimum=1)
# What a phone's pool lists at most: the ideas with dots or in the list, then the newest;
# the count says how many there are. Bounds the frame every member of the group gets.
POOL_SHOWN = env_int("POOL_SHOWN", 60, minimum=1)
# The room's and console's ranked list of reflection words (the cloud shows 40).
WORDS_LISTED = env_int("WORDS_LISTED", 100, minimum=1)

# Personal data: participants' names and sessions are removed this many days after the
# meeting by `manage.py purge_meetings` (run it daily); results are kept. Shown on the
# privacy page with the organiser's contact.
RETENTION_DAYS = env_int("RETENTION_DAYS", 90, minimum=1)
PRIVACY_CONTACT = env_str("PRIVACY_CONTACT", "")

# Failed logins per client address and per user name.
LOGIN_FAILURES_PER_CLIENT = env_rate("LOGIN_FAILURES_PER_CLIENT", "30/15m")
LOGIN_FAILURES_PER_USER = env_rate("LOGIN_FAILURES_PER_USER", "10/15m")
RATELIMIT_KEY_PREFIX = "topp25-rl:"

# Request bodies: the ASGI app answers 413 above the limit (topp25/limits.py); Django's own
# limits catch bodies sent without a length.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 1

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meetings:console"
LOGOUT_REDIRECT_URL = "meetings:start"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Static files as sent: collectstatic writes them to STATIC_ROOT minified (our own CSS and
# JS), hashed and precompressed as brotli and gzip (topp25/storage.py), and WhiteNoise serves
# them from there. Production (DEBUG=0) and `make run` (STATIC_COLLECTED=1, with DEBUG) do;
# otherwise (the tests, a bare runserver) the source folders are served as they are.
STATIC_COLLECTED = env_bool("STATIC_COLLECTED", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "topp25.storage.MinifiedStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if STATIC_COLLECTED:
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
else:
    # WhiteNoise serves from the app folders; STATIC_ROOT exists only after collectstatic.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

# Participants are anonymous and identified by their session cookie only; keep it for a
# whole school year so a phone that comes back to the next afternoon resumes. Staff (anyone
# who logs in) get a working day instead: the login sets that session's own expiry
# (topp25/apps.py), so a forgotten laptop is not a facilitator's key for months.
SESSION_COOKIE_AGE = env_int("PARTICIPANT_SESSION_DAYS", 300, minimum=1) * 24 * 60 * 60
STAFF_SESSION_SECONDS = env_int("STAFF_SESSION_HOURS", 10, minimum=1) * 60 * 60
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Everything is served by the app itself: no CDN, no web fonts, no inline code without nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
CSRF_FAILURE_VIEW = "topp25.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (say so with TRUST_X_FORWARDED_PROTO=1).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS: production sets these (see `make check-deploy`); HSTS only once HTTPS works for
# the host (and its subdomains when SECURE_HSTS_INCLUDE_SUBDOMAINS is on).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

# Public base URL used in the QR code and printed links (e.g. https://topp25.example.se).
# Empty: derived from the request.
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Operations: health, metrics, structured logs, sign-in with the organisation's OpenID
# Connect provider (README.md › Drift / Operations). One block, so it merges cleanly. ---------

# A load balancer or monitor may probe the app's own port over plain HTTP: health and
# metrics answer there instead of redirecting to HTTPS (they carry no cookie and no data).
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
# Nightly backups (deploy/systemd/topp25-backup.service) are deleted after this many days;
# the privacy page says so, since a backup holds names until then.
BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 14, minimum=1)
# The metrics (`/metrics`) answer only `Authorization: Bearer <METRICS_TOKEN>`; unset: 404.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# Counts every answer by view and status (first, so it sees every status the others give) and
# binds the meeting's id to the request's log lines.
MIDDLEWARE.insert(0, "topp25.metrics.RequestMetricsMiddleware")
MIDDLEWARE.insert(1, "topp25.jsonlog.RequestContextMiddleware")

# LOG_FORMAT=json: one JSON object per line (topp25/jsonlog.py: meeting id, never a
# participant's text, name or address), with one line per request; "text": Django's usual lines.
LOG_FORMAT = env_str("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise _refuse("LOG_FORMAT", LOG_FORMAT, "text or json")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "topp25.jsonlog.JsonLinesFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"  # type: ignore[index]
    LOGGING["loggers"] = {"topp25.request": {"level": "INFO"}}
else:
    LOGGING["loggers"] = {"topp25.request": {"level": "WARNING"}}

# Sign-in with the organisation's OpenID Connect provider (meetings/oidc.py, on
# mozilla-django-oidc): on when OIDC_RP_CLIENT_ID is set. The endpoints are those of the
# provider's discovery document (/.well-known/openid-configuration). Local accounts keep working.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
# The issuer (Entra ID: https://login.microsoftonline.com/<tenant>/v2.0; Keycloak:
# https://<host>/realms/<realm>): the endpoints not set one by one below are read from its
# discovery document when first needed (topp25/oidc_discovery.py), not while settings load.
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")


def _oidc_endpoint(name: str, key: str) -> str:
    given = env_str(name, "")
    if given or not OIDC_OP_ISSUER:
        return given
    from topp25.oidc_discovery import endpoint_setting

    return endpoint_setting(OIDC_OP_ISSUER, key)


OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc_endpoint(
    "OIDC_OP_AUTHORIZATION_ENDPOINT", "authorization_endpoint"
)
OIDC_OP_TOKEN_ENDPOINT = _oidc_endpoint("OIDC_OP_TOKEN_ENDPOINT", "token_endpoint")
OIDC_OP_USER_ENDPOINT = _oidc_endpoint("OIDC_OP_USER_ENDPOINT", "userinfo_endpoint")
OIDC_OP_JWKS_ENDPOINT = _oidc_endpoint("OIDC_OP_JWKS_ENDPOINT", "jwks_uri")
# The provider's end_session_endpoint: logging out of topp25 then logs out there too.
OIDC_OP_LOGOUT_ENDPOINT = _oidc_endpoint("OIDC_OP_LOGOUT_ENDPOINT", "end_session_endpoint")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
# Roles: the claim holding them, and which of its values mean which role (comma-separated).
OIDC_ROLE_CLAIM = env_str("OIDC_ROLE_CLAIM", "groups")
OIDC_FACILITATOR_VALUES = env_list("OIDC_FACILITATOR_VALUES", [])
OIDC_EDITOR_VALUES = env_list("OIDC_EDITOR_VALUES", [])
# The sign-in button's text, e.g. "Logga in med kommunens konto"; empty: a general one.
OIDC_LOGIN_LABEL = env_str("OIDC_LOGIN_LABEL", "")
if OIDC_ENABLED:
    _oidc_missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        # A value from the issuer's document counts as given (reading it would fetch it).
        if isinstance(globals()[name], str) and not globals()[name]
    ]
    if _oidc_missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so these are needed too: {', '.join(_oidc_missing)} "
            "(or OIDC_OP_ISSUER, whose discovery document gives the endpoints)."
        )
    if not (OIDC_FACILITATOR_VALUES or OIDC_EDITOR_VALUES):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set: say which values of OIDC_ROLE_CLAIM give a role "
            "(OIDC_FACILITATOR_VALUES and/or OIDC_EDITOR_VALUES), or nobody can sign in."
        )
    _logout_given = env_str("OIDC_OP_LOGOUT_ENDPOINT", "") or OIDC_OP_ISSUER
    if _logout_given:
        # The logout form's answer redirects there, and browsers hold a form's redirects to
        # the form-action directive. From the issuer, before its document is read: providers
        # end sessions on the issuer's own origin (set OIDC_OP_LOGOUT_ENDPOINT if not).
        from urllib.parse import urlsplit

        _logout = urlsplit(_logout_given)
        _provider_origin: Any = f"{_logout.scheme}://{_logout.netloc}"  # a source, like CSP.SELF
        SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], _provider_origin]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "meetings.oidc.RoleClaimsBackend",
]
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_TIMEOUT = 10
OIDC_OP_LOGOUT_URL_METHOD = "meetings.oidc.provider_logout_url"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/oidc/refused/"
